"""One answer to bad query input (core.errors.BadQuery): JSON under /api/, the 400 page elsewhere;
the date parser behind ?as_of=, ?from= and ?to=; the breadcrumbs helper."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from core.dates import parse_date_param
from core.errors import BadQuery, BadQueryMiddleware, bad_query_page
from core.navigation import breadcrumbs

MIDDLEWARE = BadQueryMiddleware(lambda request: None)


def test_the_api_answers_json_and_a_page_answers_the_site_layout():
    api = MIDDLEWARE.process_exception(RequestFactory().get("/api/outputs/"), BadQuery("'x' is not a date."))
    assert api is not None and api.status_code == 400
    assert json.loads(api.content) == {"detail": "'x' is not a date."}
    request = RequestFactory().get("/programmes/x/")
    request.user = AnonymousUser()
    page = MIDDLEWARE.process_exception(request, BadQuery("'x' is not a date.", back_url="/back/", back_label="Back"))
    assert page is not None and page.status_code == 400
    html = page.content.decode()
    assert 'class="site-header"' in html and "&#x27;x&#x27; is not a date." in html
    assert '<a class="button" href="/back/">Back</a>' in html
    assert MIDDLEWARE.process_exception(request, ValueError("not ours")) is None


def test_what_the_raiser_says_wins_over_the_surrounding_page():
    with pytest.raises(BadQuery) as raised, bad_query_page(programme="P", back_url="/outer/"):
        raise BadQuery("no", back_url="/inner/")
    assert raised.value.page == {"programme": "P", "back_url": "/inner/"}


@time_machine.travel("2025-12-01 09:00:00+00:00", tick=False)
def test_the_date_parser():
    earliest = datetime.date(2000, 1, 1)
    assert parse_date_param(" 2025-12-01 ", name="as_of", earliest=earliest) == datetime.date(2025, 12, 1)
    assert parse_date_param("", name="as_of", earliest=earliest) is None
    assert parse_date_param("2000-01-01", name="as_of", earliest=earliest) == earliest
    for value, reason in (("2025-12-02", "2025-12-02 is in the future"),
                          ("1999-12-31", "31 Dec 1999 is before 1 Jan 2000"),
                          ("0001-01-01", "1 Jan 0001 is before"), ("9999-12-31", "9999-12-31 is in the future"),
                          ("31.12.2025", "to: '31.12.2025' is not a date: use the form YYYY-MM-DD")):
        with pytest.raises(BadQuery, match=reason):
            parse_date_param(value, name="to", earliest=earliest)


def test_breadcrumbs_link_every_step_but_the_page_itself():
    assert breadcrumbs(("GLO/22/31/IRL", "/programmes/glo/"), "Dashboard") == [
        {"label": "GLO/22/31/IRL", "url": "/programmes/glo/"}, {"label": "Dashboard", "url": ""}]
