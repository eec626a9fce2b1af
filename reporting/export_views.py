"""Downloads: the outputs as CSV, XLSX and JSON, their approved history as CSV, a country's PDF
report and the IATI activity file (writers in ``reporting.exporters``).

Each honours the outputs list's filters and ``?as_of=``, and the reader's access: officers (with
no wider role) export their own countries only, and the files' names say which. Filters that do not
validate are answered with a 400 page naming the errors, never with an empty file.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import tasks
from .exporters import history_header, output_header
from .exporters.csv import csv_response
from .exporters.iati import iati_document
from .exporters.json import json_chunks
from .exporters.pdf import render_pdf
from .exporters.xlsx import CONTENT_TYPE as XLSX_TYPE
from .exports import (
    BadFilters,
    country_names,
    export_countries,
    export_scope,
    exported_outputs,
    iati_allowed,
    outputs_workbook,
    shown_history,
    shown_rows,
)
from .views import component_or_404, country_context, report_page


def export_page(view):
    """``report_page`` for a download: filters that do not validate get a 400 page naming the errors."""

    @report_page
    @wraps(view)
    def wrapper(request, programme, access, moment, **kwargs):
        try:
            return view(request, programme, access, moment, **kwargs)
        except BadFilters as error:
            return render(request, "reporting/bad_export_filters.html", {
                "programme": programme, "form": error.form,
                "list_url": reverse("reporting:output_list", args=[programme.slug]),
                "query": request.GET.urlencode(),
            }, status=400)

    return wrapper


def _filename(programme, moment, name, suffix, countries=None):
    """``<programme>-[<countries>-]<name>-<day>.<suffix>``: a file limited to some countries names them."""
    scope = "".join(f"{country.slug}-" for country in countries or ())
    return f"{programme.slug}-{scope}{name}-{moment.today.isoformat()}.{suffix}"


@export_page
def outputs_csv(request, programme, access, moment):
    outputs = exported_outputs(request.GET, programme, access, moment)
    filename = _filename(programme, moment, "outputs", "csv", export_countries(programme, access))
    return csv_response(output_header(), shown_rows(outputs, moment), filename)


@export_page
def history_csv(request, programme, access, moment):
    """Every approved update of the (filtered) outputs, by country, output and date."""
    outputs = exported_outputs(request.GET, programme, access, moment)
    rows = shown_history(programme, outputs, moment)
    filename = _filename(programme, moment, "history", "csv", export_countries(programme, access))
    return csv_response(history_header(), rows, filename)


@export_page
def outputs_json(request, programme, access, moment):
    outputs = exported_outputs(request.GET, programme, access, moment)
    countries = export_countries(programme, access)
    meta = {
        "programme": programme.code,
        "title": programme.title,
        "as_of": moment.today.isoformat(),
        "language": translation.get_language(),
        "countries": None if countries is None else [country.name for country in countries],
        "scope": export_scope(countries),
        "filters": request.GET.urlencode(),
        "generated": timezone.now().isoformat(),
    }
    response = StreamingHttpResponse(json_chunks(meta, shown_rows(outputs, moment)), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, moment, "outputs", "json", countries)}"'
    return response


@export_page
def outputs_xlsx(request, programme, access, moment):
    """Up to EXPORT_BACKGROUND_ROWS outputs at once; more are queued for the task worker."""
    filename = _filename(programme, moment, "outputs", "xlsx", export_countries(programme, access))
    if exported_outputs(request.GET, programme, access, moment).count() > settings.EXPORT_BACKGROUND_ROWS:
        result = tasks.export_outputs_xlsx.enqueue(
            programme_id=programme.pk, user_id=request.user.pk, query=request.GET.urlencode(),
            as_of=moment.as_of and moment.as_of.isoformat(), language=translation.get_language(), filename=filename,
        )
        return redirect("reporting:export_job", slug=programme.slug, job=result.id)
    workbook = outputs_workbook(request.GET, programme, access, moment, request.user)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@report_page
def export_job(request, programme, access, moment, job):
    """A large export being prepared: this page refreshes itself until the file is ready. Only the
    reader who asked for it, with their access to the programme still in force, sees it."""
    found = tasks.export_job(job, request.user, access)
    if found is None:
        raise Http404("No such export.")
    if found.status == "ready" and request.GET.get("download"):
        try:
            handle = default_storage.open(found.file, "rb")
        except FileNotFoundError:
            raise Http404("The export has been removed.") from None
        return FileResponse(handle, as_attachment=True, filename=found.filename, content_type=XLSX_TYPE)
    ask_again = reverse("reporting:export_xlsx", args=[programme.slug])
    return render(request, "reporting/export_job.html", {
        "programme": programme, "job": found, "ask_again": f"{ask_again}?{found.query}" if found.query else ask_again,
        "limit_minutes": settings.EXPORT_JOB_LIMIT_SECONDS // 60,
        "silent_minutes": -(-settings.EXPORT_WORKER_SILENT_SECONDS // 60),  # rounded up
        "breadcrumbs": [{"label": programme.code, "url": reverse("reporting:programme_overview", args=[programme.slug])},
                        {"label": _("Export"), "url": ""}],
    })


@report_page
def country_report_pdf(request, programme, access, moment, country):
    component = component_or_404(programme, country)
    if not access.may_export_country(component.pk):
        raise PermissionDenied(_("Officers export the reports of their own countries."))
    allowed = access.export_country_ids
    context = country_context(request, programme, access, moment, component)
    context["for_pdf"] = True
    # An officer's report says, as their other exports do, that it holds a country they report for.
    context["export_scope"] = export_scope(None if allowed is None else [component])
    html = render_to_string("reporting/country_page.html", context, request=request)
    response = HttpResponse(render_pdf(html, base_url=request.build_absolute_uri("/")), content_type="application/pdf")
    filename = _filename(programme, moment, "report", "pdf", [component])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@export_page
def iati_xml(request, programme, access, moment):
    """The programme's activity file, for readers who export every country: an activity holding some
    of its countries only would misstate the programme (its results and recipient countries)."""
    if not iati_allowed(access):
        raise PermissionDenied(_(
            "The IATI file describes the whole programme; your downloads hold the countries you report for "
            "(%(countries)s) only."
        ) % {"countries": country_names(export_countries(programme, access))})
    outputs = exported_outputs(request.GET, programme, access, moment)
    document = iati_document(programme, shown_rows(outputs, moment), moment)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, moment, "outputs", "iati.xml")}"'
    return response
