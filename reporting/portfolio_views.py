"""The portfolio page (/programmes/) and its downloads: every programme the reader may see, with its
outputs' figures (reporting.portfolio)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.caching import cached_for_programmes
from core.errors import bad_query_page
from core.http import AuthenticatedHttpRequest
from core.navigation import breadcrumbs

from .exports import PORTFOLIO_EXPORTERS
from .portfolio import DESCENDING_FIRST, SORTS, Portfolio, PortfolioRow, portfolio_read


def sort_columns(order: str) -> dict[str, dict[str, str]]:
    """Each column's state (ascending, descending or none) and the ?sort= its heading's link asks for:
    the other direction when sorted by it, else counts and dates largest or latest first."""
    columns = {}
    for key in SORTS:
        state = "ascending" if order == key else "descending" if order == f"-{key}" else "none"
        first = f"-{key}" if key in DESCENDING_FIRST else key
        columns[key] = {"state": state, "sort": {"ascending": f"-{key}", "descending": key}.get(state, first)}
    return columns


def with_links(rows: list[PortfolioRow]) -> list[tuple[PortfolioRow, dict[str, str]]]:
    """Each row with the addresses of its programme's pages, each reversed once for the whole page and
    the programme's key put in its place (a reverse per row and page would cost more than the row)."""
    marker = "programme-slug"
    addresses = {name: reverse(f"reporting:{name}", args=[marker])
                 for name in ("programme_overview", "dashboard", "output_list")}
    return [(row, {name: address.replace(marker, row.programme.slug) for name, address in addresses.items()})
            for row in rows]


def table_rows(portfolio: Portfolio) -> SafeString:
    """The table's rows, rendered once for every reader who sees the same: kept in the cache under the
    listed programmes' data versions, in their order, with what each row shows of the reader's view
    (review data, a link to the review queue). A hundred rows cost a hundred milliseconds to render."""
    rows = portfolio.rows
    view = [(row.programme.pk, row.access.sees_pending, row.access.can_review) for row in rows]
    return mark_safe(cached_for_programmes(
        "portfolio-rows", [(row.programme.pk, row.programme.data_version) for row in rows],
        lambda: render_to_string("reporting/_portfolio_rows.html",
                                 {"rows": with_links(rows), "shows_review": portfolio.shows_review}),
        view,
    ))


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
        "table_rows": table_rows(read) if read.rows else "",
        "sort_columns": sort_columns(read.order),
        "sort": "" if read.order == "programme" else read.order,
        "filtered": any(read.form.cleaned_data[name] for name in ("partner", "country")),
        "query": request.GET.urlencode(),
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
