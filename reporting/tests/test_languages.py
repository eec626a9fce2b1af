"""Every page in French, Portuguese and Vietnamese: translated texts, <html lang>, dates and
percentages as the language writes them; output texts stay as entered."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from outputs.evidence import ALLOWED_LABEL
from testing.workflow import seed_output

pytestmark = pytest.mark.any_database  # see pytest.ini

COOKIE = settings.LANGUAGE_COOKIE_NAME
COUNTRY = "/programmes/glo-22-31-irl/countries/mw/"


def _in(language, client):
    client.cookies[COOKIE] = language
    return client


def _html(response):
    assert response.status_code in (200, 403, 404), response.status_code
    return response.content.decode()


def _lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _has(html, text):
    """Template texts are written as they are; texts from Python (messages, errors) are escaped."""
    return text in html or escape(text) in html


def _t(language, text):
    with translation.override(language):
        translated = gettext(text)
    assert translated != text or language == "en", f"{text!r} is not translated into {language}"
    return translated


@pytest.mark.parametrize("language", ["en", "fr", "pt", "vi"])
def test_pages_speak_the_chosen_language(language, users, client_for, reported):
    login = _html(_in(language, client_for(None)).get("/accounts/login/"))
    assert _lang(login) == language
    assert _has(login, _t(language, "Track the programme's outputs against their deadlines."))

    officer = _in(language, client_for(users.officer_mw))
    assert officer.get("/").status_code == 302
    mine = _html(officer.get("/my-outputs/"))
    assert _lang(mine) == language
    for text in ("My outputs", "Report progress", "Filter", "Log out", "Language"):
        assert _has(mine, _t(language, text)), text

    country = _html(_in(language, client_for(users.donor)).get(COUNTRY))
    assert _lang(country) == language
    for text in ("Summary", "Progress per outcome", "Latest approved narrative", "Achieved", "On track"):
        assert _has(country, _t(language, text)), text

    # Output texts and narratives are shown as entered, in whatever language they were written.
    output = seed_output("MW", "1.1")
    assert escape(output.title) in country and "Plan adopted by cabinet." in country


@pytest.mark.parametrize(
    "language, deadline, share",
    [
        ("en", "31 Dec 2025", "8%"),
        ("fr", "31/12/2025", "8\u202f%"),
        ("pt", "31/12/2025", "8%"),
        ("vi", "31/12/2025", "8%"),
    ],
)
def test_dates_and_percentages_in_the_language_s_format(language, deadline, share, users, client_for, reported):
    html = _html(_in(language, client_for(users.donor)).get(COUNTRY))
    assert f"{_t(language, 'Due')} {deadline}" in html
    assert f'<span class="stat-value">{share}</span>' in html
    long_date = {"en": "1 December 2025", "fr": "1 décembre 2025", "pt": "1 de Dezembro de 2025",
                 "vi": "1 tháng 12 năm 2025"}[language]
    assert long_date in html  # "Status on <today>" in the report's cover line


@pytest.mark.parametrize("language", ["fr", "pt", "vi"])
def test_error_pages_are_translated(language, users, client_for):
    missing = _in(language, client_for(users.officer_mw)).get("/no-such-page/")
    html = _html(missing)
    assert missing.status_code == 404 and _lang(html) == language
    assert _has(html, _t(language, "Page not found"))

    refused = _in(language, client_for(users.officer_mw)).get("/reviews/")
    html = _html(refused)
    assert refused.status_code == 403 and _lang(html) == language
    assert _has(html, _t(language, "You cannot do this here"))
    # The reason the view gives is translated too.
    assert _has(html, _t(language, "The review queue is for coordinators."))


@pytest.mark.parametrize("language", ["fr", "vi"])
def test_messages_and_form_errors_are_translated(language, users, client_for):
    officer = _in(language, client_for(users.officer_mw))
    output = seed_output("MW", "1.2")
    response = officer.post(f"/outputs/{output.pk}/update/", {
        "status": "at_risk", "progress": "30", "narrative": "", "as_of": "2025-01-01",
        "base_revision": output.revision, "submit": "1",
    })
    html = _html(response)
    assert _has(html, _t(language, "The update was not saved. Please check the form."))
    with translation.override(language):
        status = gettext("At risk")
    assert escape(_t(language, "Explain the status: a narrative is required for %(status)s.") % {"status": status}) in html
    assert _has(html, _t(language, "Narrative"))
    # Help texts built when the form is made, not when the code is loaded (then they stayed English).
    files_help = _t(language, "%(types)s, at most %(size)s MB each.") % {"types": ALLOWED_LABEL, "size": 10}
    assert _has(html, files_help)


@pytest.mark.parametrize(
    "language, count, share",
    [("en", "12,345", "45%"), ("fr", "12\u00a0345", "45\u202f%"), ("pt", "12.345", "45%"), ("vi", "12.345", "45%")],
)
def test_counts_and_percentages_use_the_language_s_separators(language, count, share):
    from outputs.templatetags.tracker import num, percent

    with translation.override(language):
        assert num(12345) == count and percent(45) == share
