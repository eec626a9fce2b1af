"""The header's navigation and the site's root (`/`). Each app names its own places through the
signals below, as pretix's navigation signals do, so that core knows none of them: the receivers
live in outputs/navigation.py and reporting/navigation.py."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    order: int  # left to right
    count: int | None = None


@dataclass(frozen=True)
class Destination:
    """Where `/` may send a person; the lowest rank of all the apps' answers wins."""

    rank: int
    url: str


# Receivers take (sender, user, programme) and return a list of NavLink; ``programme`` is the one the
# page is in (place_in_programme), or None.
nav_links = Signal()
# Receivers take (sender, user) and return a list of Destination.
home_destinations = Signal()
# Receivers take (sender, user, programme) and return the programme the header names: the page's, or
# where a page is in none (My outputs, the review queue) the person's own when they have one only, or
# None. The header shows its ``code``, and a banner when its ``demo`` is true.
header_programme = Signal()
# Receivers take (sender, user) and return the programmes the header's switcher lists (each with a
# ``code``, ``title`` and ``slug``), or an empty list: the header offers a switcher when they are
# more than one.
header_programmes = Signal()


def place_in_header(request: HttpRequest, url: str) -> None:
    """Name the header link a page belongs under, where its URL alone would mark another (the
    reporting workbook, reached from My outputs, lies under the overview's URL). Ignored when the
    header holds no such link for this person: the deepest matching link is marked then."""
    request.header_place = url  # type: ignore[attr-defined]


def place_in_programme(request: HttpRequest, programme: object) -> None:
    """Name the programme a page is in: the header names it, marks it in the switcher, and its links
    to the programme's pages lead into it."""
    request.header_programme = programme  # type: ignore[attr-defined]


def breadcrumbs(*trail: tuple[str, str] | str) -> list[dict[str, str]]:
    """The trail base.html shows above a page: (label, url) pairs from the top down, then the page
    itself, a label alone (not linked)."""
    return [{"label": str(step), "url": ""} if isinstance(step, str) else {"label": str(step[0]), "url": step[1]}
            for step in trail]


def _answers(signal: Signal, user: object, **kwargs: object) -> list:
    return [item for _receiver, items in signal.send(sender=None, user=user, **kwargs) for item in items or ()]


def navigation(request: HttpRequest) -> dict:
    """Context processor: the header's links, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    programme = getattr(request, "header_programme", None)
    links = sorted(_answers(nav_links, user, programme=programme), key=lambda link: link.order)
    if user.is_staff:
        links.append(NavLink(reverse("admin:index"), _("Admin"), 100))
    # The link the page names, else the deepest matching one (the dashboard lives under the overview's URL).
    current = getattr(request, "header_place", None)
    if current not in {link.url for link in links}:
        matching = [link.url for link in links if request.path.startswith(link.url)]
        current = max(matching, key=len) if matching else None
    named = [answer for _receiver, answer in header_programme.send(sender=None, user=user, programme=programme) if answer]
    return {
        "nav_items": [{"url": link.url, "label": link.label, "count": link.count, "active": link.url == current}
                      for link in links],
        "header_programme": named[0] if named else None,
        "header_programmes": _answers(header_programmes, user),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person where they work."""
    destinations = _answers(home_destinations, request.user)
    if destinations:
        return redirect(min(destinations, key=lambda destination: destination.rank).url)
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "no_access.html", status=403)
