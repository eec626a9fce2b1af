"""The header's navigation, by role: each person sees the places where they work."""

from django.urls import reverse
from django.utils.translation import gettext as _

from outputs.selectors import review_queue_count
from programme.access import officer_country_ids, primary_role, user_grants
from programme.caching import cached_for_programmes
from programme.models import Programme, Role


def home_programme(user):
    """The programme a person lands in: their first grant's, or the first one for superusers."""
    grants = user_grants(user)
    if grants:
        return grants[0].programme
    if user.is_superuser:
        return Programme.objects.order_by("code").first()
    return None


def _waiting_count(user) -> int:
    """Updates waiting in the person's review queue. Programme data: cached under the programmes'
    own data versions (every submission and review gives its programme a new one)."""
    if user.is_superuser:
        return review_queue_count(None)
    versions = {(g.programme_id, g.programme.data_version) for g in user_grants(user) if g.role == Role.COORDINATOR}
    return cached_for_programmes("review-queue-count", versions, lambda: review_queue_count([pk for pk, _v in versions]))


def _links(user):
    """The header's links as (url, label, count), the person's primary role and home programme."""
    items = []
    roles = {grant.role for grant in user_grants(user)}
    programme = home_programme(user)
    if officer_country_ids(user):
        items.append((reverse("outputs:my_outputs"), _("My outputs"), None))
    if user.is_superuser or Role.COORDINATOR in roles:
        items.append((reverse("outputs:review_queue"), _("Review queue"), _waiting_count(user)))
    if programme is not None:
        items.append((reverse("reporting:programme_overview", args=[programme.slug]), _("Overview"), None))
        items.append((reverse("reporting:dashboard", args=[programme.slug]), _("Dashboard"), None))
        items.append((reverse("reporting:output_list", args=[programme.slug]), _("All outputs"), None))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Admin"), None))
    return items, primary_role(user), programme


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items, role, programme = _links(user)
    # The deepest matching link is the current one (the dashboard lives under the overview's URL).
    path = request.path
    matching = [url for url, _label, _count in items if path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return {
        "nav_items": [
            {"url": url, "label": label, "count": count, "active": url == current}
            for url, label, count in items
        ],
        "primary_role": role,
        # Shown in the header where a page names no programme of its own (My outputs, the queue).
        "home_programme": programme,
    }
