"""Downloads: one view answers every exporter (``reporting.exports``, ``reporting.report_exports``),
honouring ``?as_of=``; a large one (a spreadsheet or a PDF report) is queued for the task worker, and
its page offers it when ready."""

from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import bad_query_page
from programme.access import ProgrammeAccess
from programme.models import Programme
from programme.views import programme_breadcrumbs

from . import tasks
from .exports import Exporter
from .report_exports import ALL_EXPORTERS, EXPORTERS
from .selectors import ReportMoment
from .views import component_or_404, report_page


# Exports only read: no request transaction, as the country page.
@transaction.non_atomic_requests
@report_page
def export(request: HttpRequest, programme: Programme, access: ProgrammeAccess, moment: ReportMoment,
           identifier: str = "", exporter: type[Exporter] | None = None, country: str | None = None) -> HttpResponseBase:
    """The programme's export ``identifier`` (exports/<identifier>), or ``exporter`` at an address of
    its own (a country's PDF, the reporting workbook)."""
    exporter = exporter or EXPORTERS.get(identifier)
    if exporter is None:
        raise Http404("No such export.")
    if country is not None:
        component_or_404(programme, country)
    user = cast(User, request.user)  # report_page lets signed-in readers only in
    with bad_query_page(**exporter.way_back(programme, request.GET)):
        made = exporter(programme, access, moment, request.GET, user, request, country=country)
        if not made.in_background():
            return made.response()
    result = tasks.export_file.enqueue(
        identifier=exporter.identifier, programme_id=programme.pk, user_id=user.pk,
        query=request.GET.urlencode(), as_of=moment.as_of.isoformat() if moment.as_of else None,
        language=translation.get_language(), filename=made.filename(), country=country, base_url=made.base_url,
    )
    return redirect("reporting:export_job", slug=programme.slug, job=result.id)


@report_page
def export_job(request: HttpRequest, programme: Programme, access: ProgrammeAccess, moment: ReportMoment,
               job: str) -> HttpResponseBase:
    """A large export being prepared: this page refreshes itself until the file is ready. Only the
    reader who asked for it, with their access to the programme still in force, sees it."""
    found = tasks.export_job(job, cast(User, request.user), access)
    if found is None:
        raise Http404("No such export.")
    exporter = ALL_EXPORTERS[found.identifier]
    if found.status == "ready" and found.file and request.GET.get("download"):
        try:
            handle = default_storage.open(found.file, "rb")
        except FileNotFoundError:
            raise Http404("The export has been removed.") from None
        return FileResponse(handle, as_attachment=True, filename=found.filename, content_type=exporter.content_type)
    ask_again = exporter.address(programme, found.country)
    return render(request, "reporting/export_job.html", {
        "programme": programme, "job": found, "ask_again": f"{ask_again}?{found.query}" if found.query else ask_again,
        "is_pdf": exporter.file_suffix == "pdf",
        "limit_minutes": settings.EXPORT_JOB_LIMIT_SECONDS // 60,
        "silent_minutes": -(-settings.EXPORT_WORKER_SILENT_SECONDS // 60),  # rounded up
        "breadcrumbs": programme_breadcrumbs(programme, _("Export")),
    })
