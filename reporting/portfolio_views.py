"""The portfolio page (/programmes/) and its downloads: every programme the reader may see, with its
outputs' figures (reporting.portfolio)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import bad_query_page
from core.http import AuthenticatedHttpRequest
from core.navigation import breadcrumbs

from .exports import PORTFOLIO_EXPORTERS
from .portfolio import DESCENDING_FIRST, SORTS, portfolio_read


def sort_columns(order: str) -> dict[str, dict[str, str]]:
    """Each column's state (ascending, descending or none) and the ?sort= its heading's link asks for:
    the other direction when sorted by it, else counts and dates largest or latest first."""
    columns = {}
    for key in SORTS:
        state = "ascending" if order == key else "descending" if order == f"-{key}" else "none"
        first = f"-{key}" if key in DESCENDING_FIRST else key
        columns[key] = {"state": state, "sort": {"ascending": f"-{key}", "descending": key}.get(state, first)}
    return columns


def _way_back() -> dict:
    """What the 400 page of a bad query offers (core.errors.BadQuery)."""
    return {"back_url": reverse("reporting:portfolio"), "back_label": _("Back to the programmes")}


# Read-only: no request transaction (on SQLite it would take the write lock).
@transaction.non_atomic_requests
@login_required
def portfolio(request: AuthenticatedHttpRequest) -> HttpResponse:
    with bad_query_page(**_way_back()):
        read = portfolio_read(request.user, request.GET)
    if not read.listed:
        return render(request, "no_access.html", status=403)
    return render(request, "reporting/portfolio.html", {
        "portfolio": read,
        "sort_columns": sort_columns(read.order),
        "sort": "" if read.order == "programme" else read.order,
        "filtered": any(read.form.cleaned_data[name] for name in ("partner", "country")),
        "query": request.GET.urlencode(),
        "today": timezone.localdate(),
        "due_soon_days": settings.DUE_SOON_DAYS,
        "breadcrumbs": breadcrumbs(_("Programmes")),
    })


@transaction.non_atomic_requests
@login_required
def portfolio_export(request: AuthenticatedHttpRequest, identifier: str) -> HttpResponseBase:
    """The portfolio as a file (exports/portfolio.csv, exports/portfolio.xlsx), with the page's query."""
    exporter = PORTFOLIO_EXPORTERS.get(identifier)
    if exporter is None:
        raise Http404("No such export.")
    with bad_query_page(**_way_back()):
        return exporter(request.user, request.GET).response()
