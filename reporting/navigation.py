"""This app's places in the header and at `/` (core.navigation): the home programme's pages."""

from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.navigation import (
    Destination,
    NavLink,
    header_programme,
    home_destinations,
    nav_links,
)
from programme.access import home_programme, primary_role
from programme.models import Programme, Role


@receiver(nav_links, dispatch_uid="reporting.nav_links")
def reporting_links(sender: object, user: AbstractBaseUser, **kwargs: object) -> list[NavLink]:
    programme = home_programme(user)
    if programme is None:
        return []
    return [
        NavLink(reverse("reporting:programme_overview", args=[programme.slug]), _("Overview"), 30),
        NavLink(reverse("reporting:dashboard", args=[programme.slug]), _("Dashboard"), 40),
        NavLink(reverse("reporting:output_list", args=[programme.slug]), _("All outputs"), 50),
    ]


@receiver(home_destinations, dispatch_uid="reporting.home_destinations")
def reporting_home(sender: object, user: AbstractBaseUser, **kwargs: object) -> list[Destination]:
    """Coordinators with nothing to review: the dashboard. Donors: the overview."""
    programme, role = home_programme(user), primary_role(user)
    if programme is None:
        return []
    if role == Role.COORDINATOR:
        return [Destination(20, reverse("reporting:dashboard", args=[programme.slug]))]
    if role == Role.DONOR:
        return [Destination(40, reverse("reporting:programme_overview", args=[programme.slug]))]
    return []


@receiver(header_programme, dispatch_uid="reporting.header_programme")
def reporting_header_programme(sender: object, user: AbstractBaseUser, **kwargs: object) -> Programme | None:
    return home_programme(user)
