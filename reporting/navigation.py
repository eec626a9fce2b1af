"""This app's places in the header and at `/` (core.navigation): the portfolio, the pages of the
programme a page is in (else the person's first), and the header's programme switcher."""

from django.contrib.auth.models import User
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.navigation import (
    Destination,
    NavLink,
    header_programme,
    header_programmes,
    home_destinations,
    nav_links,
)
from programme.access import primary_role, reader_programmes
from programme.models import Programme, Role

# The switcher lists this many of a person's programmes, then a link to them all (the portfolio).
SWITCHER_PROGRAMMES = 12


def switcher_programmes(user: User) -> list[Programme]:
    """The person's programmes by code, at most one more than the switcher lists (enough to tell
    whether there are more): read once per request (a query for superusers only)."""
    found = getattr(user, "_switcher_programmes", None)
    if found is None:
        found = user._switcher_programmes = reader_programmes(user, limit=SWITCHER_PROGRAMMES + 1)  # type: ignore[attr-defined]
    return found


def _several(user: User) -> bool:
    return len(switcher_programmes(user)) > 1


def _first(user: User) -> Programme | None:
    """programme.access.home_programme, from the programmes read for the switcher."""
    return next(iter(switcher_programmes(user)), None)


@receiver(nav_links, dispatch_uid="reporting.nav_links")
def reporting_links(sender: object, user: User, programme: Programme | None = None,
                    **kwargs: object) -> list[NavLink]:
    """The programme's pages lead into the one the page is in; for a person with one programme, into it
    from every page (with several, a page in none of them offers the portfolio and the switcher)."""
    several = _several(user)
    links = [NavLink(reverse("reporting:portfolio"), _("Programmes"), 25)] if several else []
    programme = programme or (None if several else _first(user))
    if programme is None:
        return links
    return [
        *links,
        NavLink(reverse("reporting:programme_overview", args=[programme.slug]), _("Overview"), 30),
        NavLink(reverse("reporting:dashboard", args=[programme.slug]), _("Dashboard"), 40),
        NavLink(reverse("reporting:output_list", args=[programme.slug]), _("All outputs"), 50),
    ]


@receiver(home_destinations, dispatch_uid="reporting.home_destinations")
def reporting_home(sender: object, user: User, **kwargs: object) -> list[Destination]:
    """People with more than one programme: the portfolio, first (officers keep My outputs, which
    lists every programme's outputs of theirs). Coordinators of one programme with nothing to review:
    the dashboard. Donors: the overview."""
    programme, role = _first(user), primary_role(user)
    if programme is None:
        return []
    if role != Role.OFFICER and _several(user):
        return [Destination(5, reverse("reporting:portfolio"))]
    if role == Role.COORDINATOR:
        return [Destination(20, reverse("reporting:dashboard", args=[programme.slug]))]
    if role == Role.DONOR:
        return [Destination(40, reverse("reporting:programme_overview", args=[programme.slug]))]
    return []


@receiver(header_programme, dispatch_uid="reporting.header_programme")
def reporting_header_programme(sender: object, user: User, programme: Programme | None = None,
                               **kwargs: object) -> Programme | None:
    # Several programmes and a page in none of them (My outputs, the portfolio): the header names none.
    return programme or (None if _several(user) else _first(user))


@receiver(header_programmes, dispatch_uid="reporting.header_programmes")
def reporting_header_programmes(sender: object, user: User, **kwargs: object) -> list[Programme]:
    return switcher_programmes(user)[:SWITCHER_PROGRAMMES] if _several(user) else []
