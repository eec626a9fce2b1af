"""This app's places in the header and at `/` (core.navigation): My outputs and the review queue."""

from django.contrib.auth.models import User
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.caching import cached_for_programmes
from core.navigation import Destination, NavLink, home_destinations, nav_links
from programme.access import (
    coordinated_grants,
    home_programme,
    officer_country_ids,
    primary_role,
)
from programme.models import Role

from .selectors import review_queue, review_queue_count


def _waiting_count(user: User) -> int:
    """Updates waiting in the person's review queue. Programme data: cached under the programmes'
    own data versions (every submission and review gives its programme a new one)."""
    if user.is_superuser:
        return review_queue_count(None)
    versions = {(g.programme_id, g.programme.data_version) for g in coordinated_grants(user)}
    return cached_for_programmes("review-queue-count", versions, lambda: review_queue_count([pk for pk, _v in versions]))


@receiver(nav_links, dispatch_uid="outputs.nav_links")
def outputs_links(sender: object, user: User, **kwargs: object) -> list[NavLink]:
    links = []
    if officer_country_ids(user):
        links.append(NavLink(reverse("outputs:my_outputs"), _("My outputs"), 10))
    if user.is_superuser or coordinated_grants(user):
        links.append(NavLink(reverse("outputs:review_queue"), _("Review queue"), 20, _waiting_count(user)))
    return links


@receiver(home_destinations, dispatch_uid="outputs.home_destinations")
def outputs_home(sender: object, user: User, **kwargs: object) -> list[Destination]:
    """Coordinators with updates waiting: the review queue, first. Officers: My outputs."""
    role = primary_role(user)
    if role == Role.COORDINATOR:
        programme = home_programme(user)
        if programme is None or review_queue([programme.pk]).exists():
            return [Destination(10, reverse("outputs:review_queue"))]
    if role == Role.OFFICER:
        return [Destination(30, reverse("outputs:my_outputs"))]
    return []
