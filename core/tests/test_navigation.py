"""The header marks one link as the current page: the one the page names, else the deepest link
whose URL the page's starts with."""

import pytest
from django.test import RequestFactory

from core.navigation import NavLink, nav_links, navigation, place_in_header


@pytest.fixture
def header(db, django_user_model):
    """Two nested places and one beside them, for a person the apps give no place of their own."""
    def links(sender, user, **kwargs):
        return [NavLink("/mine/", "Mine", 1), NavLink("/programmes/p/", "Overview", 2),
                NavLink("/programmes/p/dashboard/", "Dashboard", 3)]

    nav_links.connect(links, dispatch_uid="test-navigation")
    yield django_user_model.objects.create(username="reader")
    nav_links.disconnect(dispatch_uid="test-navigation")


def current(user, path, place=None):
    request = RequestFactory().get(path)
    request.user = user
    if place:
        place_in_header(request, place)
    return [item["label"] for item in navigation(request)["nav_items"] if item["active"]]


def test_the_deepest_matching_link_unless_the_page_names_its_place(header):
    assert current(header, "/programmes/p/dashboard/?x=1") == ["Dashboard"]
    assert current(header, "/programmes/p/workbook/") == ["Overview"]
    assert current(header, "/programmes/p/workbook/", place="/mine/") == ["Mine"]
    # A place the header does not hold for this person: the URL decides.
    assert current(header, "/programmes/p/workbook/", place="/review/") == ["Overview"]
