"""Reporting pages: programme overview, country pages, dashboard and the outputs list, now or as of a date."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.caching import cached_for_programmes
from core.dates import parse_date_param
from core.errors import bad_query_page
from core.navigation import breadcrumbs
from outputs.vocabulary import due_soon_until
from programme.access import ProgrammeAccess
from programme.models import Country, Programme, programme_earliest_date
from programme.selectors import programme_component, programme_countries
from programme.views import programme_breadcrumbs, programme_page

from . import months, selectors
from .exports import export_offer
from .filters import outputs_filtered

PAGE_SIZE = 50


def report_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A report of one programme, now or as of a date: ``view(request, programme, access, moment, **kwargs)``.
    A bad query (core.errors.BadQuery) gets the 400 page in the programme's layout, by default with
    the as-of form."""

    @programme_page
    @wraps(view)
    def wrapper(request: HttpRequest, programme: Programme, access: ProgrammeAccess, **kwargs: Any) -> HttpResponseBase:
        with bad_query_page(programme=programme, ask_again="reporting/_asof_form.html", keep_params=_kept(request),
                            real_today=timezone.localdate()):
            earliest = programme_earliest_date(programme)
            as_of = parse_date_param(request.GET.get("as_of"), name="as_of", earliest=earliest)
            return view(request, programme, access, selectors.ReportMoment(as_of), **kwargs)

    return wrapper


def _kept(request: HttpRequest) -> list[tuple[str, str]]:
    """The query's parameters but the date and the page, for a form that asks for another date."""
    return [(key, value) for key, values in request.GET.lists() if key not in ("as_of", "page") for value in values]


def _base_context(programme, access, moment, request):
    return {
        "programme": programme,
        "access": access,
        "moment": moment,
        "today": moment.today,
        "real_today": timezone.localdate(),
        "as_of_query": f"?as_of={moment.as_of.isoformat()}" if moment.is_past else "",
        "as_of_suffix": f"&as_of={moment.as_of.isoformat()}" if moment.is_past else "",
    }


@report_page
def programme_overview(request, programme, access, moment):
    countries = programme_countries(programme)
    summaries = selectors.summaries_by_country(programme, moment)
    cards = [(country, summaries.get(country.pk, selectors.StatusSummary())) for country in countries]
    context = _base_context(programme, access, moment, request)
    context.update(
        cards=cards,
        total=selectors.combined(summaries.values()),
        breadcrumbs=breadcrumbs(programme.code),
    )
    return render(request, "reporting/programme_overview.html", context)


def component_or_404(programme, slug):
    component = programme_component(programme, slug)
    if component is None:
        raise Http404("No such component in this programme.")
    return component


def country_context(request: HttpRequest | None, programme: Programme, access: ProgrammeAccess,
                    moment: selectors.ReportMoment, component: Country, *, printed: int | None = None) -> dict:
    """Everything the country page shows; the PDF report renders the same, its outputs' rows up to
    ``printed`` (its summaries count them all)."""
    rows = selectors.country_rows(programme, component, moment, reader=access)
    outcomes = selectors.outcome_progress(rows)
    summary = selectors.summaries_by_country(programme, moment, country=component).get(
        component.pk, selectors.StatusSummary()
    )
    context = _base_context(programme, access, moment, request)
    context.update(
        country=component,
        may_export=access.may_export_country(component.pk),
        rows=rows,
        summary=summary,
        outcomes=outcomes,
        due_soon_days=settings.DUE_SOON_DAYS,
        breadcrumbs=programme_breadcrumbs(programme, component.name),
        generated_at=timezone.now(),
    )
    if printed is not None and len(rows) > printed:
        context.update(printed_rows=printed, printed_outcomes=selectors.outcome_progress(rows[:printed]))
    return context


def cached_fragment(kind: str, programme, access, moment: selectors.ReportMoment, build, *parts: str):
    """``build(shared_access)`` from the fragments cache (core.caching), keyed by all the fragment
    depends on: the programme's own data version, the language and today's date (core.caching), the reader's
    view (ProgrammeAccess.view_key: approved updates only, or pending work with the drafts of the
    reader's countries), the report moment and the page's ``parts``.

    ``build`` reads with ``shared_access``, the reader's view without their own drafts elsewhere
    (ProgrammeAccess.shared): a fragment must hold nothing that another reader with the same key may
    not see (add it to the key first)."""
    view = access.view_key()
    return cached_for_programmes(
        f"report-{kind}", [(programme.pk, programme.data_version)], lambda: build(access.shared),
        view, moment.as_of, *parts,
    )


# Read-only, and mostly from the fragment cache: no request transaction (its BEGIN and COMMIT would
# be two more round trips to the database on the most read pages).
@transaction.non_atomic_requests
@report_page
def country_page(request, programme, access, moment, country):
    def build(shared_access):
        component = component_or_404(programme, country)
        context = country_context(request, programme, shared_access, moment, component)
        # Rendered without the request: the fragment is shared by every reader of the same view.
        return {"name": component.name, "body": render_to_string("reporting/_country_page_body.html", context)}

    fragment = cached_fragment("country", programme, access, moment, build, country)
    context = _base_context(programme, access, moment, request)
    context.update(
        country_name=fragment["name"],
        body=mark_safe(fragment["body"]),
        breadcrumbs=programme_breadcrumbs(programme, fragment["name"]),
    )
    return render(request, "reporting/country_page.html", context)


@transaction.non_atomic_requests
@report_page
def dashboard(request, programme, access, moment):
    def build(shared_access):
        return render_to_string(
            "reporting/_dashboard_body.html", dashboard_context(request, programme, shared_access, moment)
        )

    context = _base_context(programme, access, moment, request)
    context.update(
        body=mark_safe(cached_fragment("dashboard", programme, access, moment, build)),
        breadcrumbs=programme_breadcrumbs(programme, _("Dashboard")),
    )
    return render(request, "reporting/dashboard.html", context)


def dashboard_context(request: HttpRequest, programme: Programme, access: ProgrammeAccess,
                      moment: selectors.ReportMoment) -> dict:
    """Everything the dashboard's body shows."""
    countries = programme_countries(programme)
    summaries = selectors.summaries_by_country(programme, moment)
    show_review = access.sees_pending and not moment.is_past
    waiting = selectors.waiting_for_review_by_country(programme) if show_review else {}
    # Cells are prepared here, not with {% url %} per cell: 50 countries x 7 statuses add up.
    list_url = reverse("reporting:output_list", args=[programme.slug])
    suffix = f"&as_of={moment.as_of.isoformat()}" if moment.as_of else ""
    matrix = []
    for country in countries:
        summary = summaries.get(country.pk, selectors.StatusSummary())
        cells = [
            (count, f"{list_url}?country={country.slug}&status={key}{suffix}", f"{country.name}, {label}: {count}")
            for key, label, count, _share in summary.rows()
        ]
        matrix.append((country, summary, waiting.get(country.pk), cells))
    total = selectors.combined(summaries.values())
    context = _base_context(programme, access, moment, request)
    context.update(
        matrix=matrix,
        status_columns=selectors.StatusSummary().rows(),
        total=total,
        overdue=list(selectors.overdue_outputs(programme, moment)),
        due_soon=list(selectors.due_soon_outputs(programme, moment)),
        due_soon_days=settings.DUE_SOON_DAYS,
        due_soon_until=due_soon_until(moment.today),
        show_review=show_review,
        waiting_total=sum(row["n"] for row in waiting.values()),
        activity=list(selectors.recent_activity(programme, access, moment)),
        status_months=months.statuses_by_month(programme, moment, latest=total),
    )
    return context


@report_page
def output_list(request, programme, access, moment):
    filterset, queryset = outputs_filtered(request.GET, programme, moment)
    show_pending = access.sees_pending and not moment.is_past
    if show_pending:
        queryset = selectors.with_pending_seen_by(queryset, access)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = _base_context(programme, access, moment, request)
    context.update(
        keep_params=_kept(request),
        filter=filterset,
        page=page,
        query=query.urlencode(),
        filtered=any(key not in ("as_of", "page", "sort") for key in request.GET),
        show_pending=show_pending,
        exports=export_offer(programme, access, queryset),
        breadcrumbs=programme_breadcrumbs(programme, _("All outputs")),
    )
    return render(request, "reporting/output_list.html", context)
