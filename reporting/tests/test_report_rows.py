"""The country page's row renderer writes dates and narratives exactly as Django's own helpers do."""

import datetime

import pytest
from django.utils import dateformat, translation
from django.utils.formats import date_format
from django.utils.html import linebreaks

from reporting.templatetags import report_rows

DAYS = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(0, 800, 7)]


@pytest.mark.parametrize("language", ["en", "fr", "pt", "vi"])
def test_short_dates_as_django_writes_them(language):
    with translation.override(language):
        short_date = report_rows._ShortDate()
        assert [short_date(day) for day in DAYS] == [date_format(day, "SHORT_DATE_FORMAT") for day in DAYS]


@pytest.mark.parametrize("fmt", [r"\d\a\y j \o\f F Y", r"D, jS N y", "Y-m-d", r"j.n.Y \\ W"])
def test_short_dates_with_escapes_and_names(monkeypatch, fmt):
    monkeypatch.setattr(report_rows, "get_format", lambda name: fmt)
    short_date = report_rows._ShortDate()
    assert [short_date(day) for day in DAYS] == [dateformat.format(day, fmt) for day in DAYS]


def test_short_date_format_with_a_time_is_refused_as_django_refuses_it(monkeypatch):
    monkeypatch.setattr(report_rows, "get_format", lambda name: "j M Y H:i")
    with pytest.raises(TypeError, match="time-related format specifiers"):
        report_rows._ShortDate()(DAYS[0])


@pytest.mark.parametrize("text", [
    "One line.",
    "Fish & <chips> \"quoted\" 'too'",
    "Two\nlines.",
    "Two\n\nparagraphs.\n\n\nA third <b>one</b>.",
    "Windows\r\nline ends\r\n\r\nand\rold Mac ones.",
    "Old Mac\rline ends\r\ronly.",
    "\nLeading and trailing\n",
])
def test_narratives_as_linebreaks_writes_them(text):
    assert report_rows._narrative_html(text) == linebreaks(text, autoescape=True)
