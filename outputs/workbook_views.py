"""The offline reporting workbook's page, upload, preview and confirmation
(``/programmes/<slug>/reporting-workbook/``); its download is an export (reporting). Reads and
writes are in ``outputs.services.workbook``.

Between the preview and the confirmation the uploaded file waits in the media storage, which every
app server shares (``outputs.previews``: a few per person, for UPLOAD_PREVIEW_HOURS at most), under a
name only the signed confirmation form carries; the first confirmation
claims it in the cache (as the admin's import does), so a second click or another tab saves
nothing twice, and the revisions checked at the save refuse it even without the claim.
"""

import logging
from functools import partial
from pathlib import PurePath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import audit
from core.http import AuthenticatedHttpRequest
from core.navigation import place_in_header
from programme.access import ProgrammeAccess, components_in_scope
from programme.models import Programme
from programme.selectors import programme_countries
from programme.views import programme_breadcrumbs, programme_page

from .previews import workbook_preview_store
from .services.workbook import (
    WorkbookNotSaved,
    WorkbookPreview,
    status_updates_import,
    status_updates_import_preview,
)
from .spreadsheets import (
    XLSX_CONTENT_TYPE,
    AlreadyClaimed,
    check_no_macros,
    check_zip_archive,
    confirmation_claim,
)
from .workbook import WorkbookRefused, read_reporting_workbook

SIGNING_SALT = "reporting-workbook-confirmation"


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Filled-in workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )


def _page(request: AuthenticatedHttpRequest, programme: Programme, access: ProgrammeAccess, *,
          status: int = 200, **context: Any) -> HttpResponse:
    place_in_header(request, reverse("outputs:my_outputs"))  # where officers come from; others keep Overview
    every = programme_countries(programme)
    return render(request, "outputs/reporting_workbook.html", {
        "programme": programme,
        "own_countries": [country for country in every if access.can_report_on(country.pk)],
        # Those a download may hold: coordinators every country, officers their own.
        "countries": components_in_scope(programme, access, None, reporting=True).allowed or every,
        "form": context.pop("form", None) or WorkbookUploadForm(),
        "max_size": settings.IMPORT_MAX_BYTES,
        "breadcrumbs": programme_breadcrumbs(programme, _("Reporting workbook")),
        **context,
    }, status=status)


@programme_page
def reporting_workbook(request: AuthenticatedHttpRequest, programme: Programme,
                       access: ProgrammeAccess) -> HttpResponse:
    """GET: the page. POST with a file: its preview. POST with ``confirm``: the save."""
    access.require_reporting_workbook()
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, programme, access)
    if request.method != "POST":
        return _page(request, programme, access)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, programme, access, status=400, form=form)
    upload = form.cleaned_data["workbook"]
    if upload.size > settings.IMPORT_MAX_BYTES:
        return _refused(request, programme, access, upload, "too_large", 413, _(
            "This file is %(size)s: a reporting workbook takes at most %(limit)s. Upload one country at a time."
        ) % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)})
    try:
        check_zip_archive(upload)
        check_no_macros(upload, upload.name or "")
        preview = status_updates_import_preview(
            programme=programme, user=request.user,
            content=read_reporting_workbook(upload, max_rows=settings.IMPORT_MAX_ROWS),
        )
    except ValidationError as error:
        return _refused(request, programme, access, upload, error.code or "invalid", 400, " ".join(error.messages))
    except WorkbookRefused as error:
        return _refused(request, programme, access, upload, "not_a_reporting_workbook", 400, str(error))
    except PermissionDenied as error:
        return _refused(request, programme, access, upload, "country_not_reported", 403, str(error))
    token = None
    if preview.confirmable:
        upload.seek(0)
        token = _kept_for_confirmation(request, programme, preview, upload)
    return _preview_page(request, programme, access, preview, token)


def _kept_for_confirmation(request: AuthenticatedHttpRequest, programme: Programme, preview: WorkbookPreview,
                           source: IO[bytes]) -> str:
    """Store the previewed file for its confirmation; the signed token names it, and the rows the
    confirmation leaves out (those whose output changed since the download)."""
    name = workbook_preview_store(user=request.user, upload=source)
    return signing.dumps({"name": name, "user": request.user.pk, "programme": programme.pk,
                          "left_out": preview.left_out}, salt=SIGNING_SALT)


def _refused(request: AuthenticatedHttpRequest, programme: Programme, access: ProgrammeAccess, upload: UploadedFile,
             reason: str, status: int, message: str) -> HttpResponse:
    """The page saying why the file is refused, the refusal recorded in the audit log."""
    audit("upload_refused", request, level=logging.WARNING, file=PurePath(upload.name or "").name, reason=reason,
          size=upload.size, programme=programme.slug)
    return _page(request, programme, access, status=status, refusal=message)


def _preview_page(request: AuthenticatedHttpRequest, programme: Programme, access: ProgrammeAccess,
                  preview: WorkbookPreview, token: str | None) -> HttpResponse:
    status = 400 if preview.errors or not preview.changes else 409 if preview.conflicts else 200
    return _page(request, programme, access, status=status, preview=preview, token=token)


def _confirm(request: AuthenticatedHttpRequest, programme: Programme, access: ProgrammeAccess) -> HttpResponse:
    submit = request.POST.get("action") == "submit"
    try:
        claim = signing.loads(request.POST["confirm"], salt=SIGNING_SALT, max_age=settings.UPLOAD_PREVIEW_HOURS * 3600)
    except signing.BadSignature:
        claim = None
    if not claim or claim.get("user") != request.user.pk or claim.get("programme") != programme.pk:
        return _page(request, programme, access, status=400, refusal=_(
            "This preview is no longer valid: upload the workbook again."))
    name = claim["name"]
    try:
        # Unclaimed while a shared cache does not answer: the revisions refuse a second save anyway.
        with confirmation_claim(f"{SIGNING_SALT}:{name}", proceed_unclaimed=True):
            try:
                with default_storage.open(name) as stored:
                    content = read_reporting_workbook(stored, max_rows=settings.IMPORT_MAX_ROWS)
                saved = status_updates_import(programme=programme, user=request.user, content=content,
                                              submit=submit, left_out=claim.get("left_out", []))
            except FileNotFoundError:
                return _page(request, programme, access, status=409, refusal=_(
                    "This workbook was already saved, or its preview is too old: upload it again."))
            except WorkbookNotSaved as refused:
                # Nothing saved. Where the rows still hold some to save (another output changed since
                # the preview), the file is kept under a new name for the new preview's confirmation.
                token = None
                if refused.preview.confirmable:
                    with default_storage.open(name) as stored:
                        token = _kept_for_confirmation(request, programme, refused.preview, stored)
                default_storage.delete(name)
                return _preview_page(request, programme, access, refused.preview, token)
    except AlreadyClaimed:
        return _page(request, programme, access, status=409, refusal=_(
            "This workbook was already saved (or is being saved): My outputs shows what was saved. "
            "To report again, download a new workbook."))
    transaction.on_commit(partial(default_storage.delete, name))
    count = len(saved.updates)
    audit("reporting_workbook_saved", request, programme=programme.slug, updates=count, submitted=submit,
          left_out=len(saved.left_out))
    if submit:
        message = ngettext("%(count)s update submitted for review.", "%(count)s updates submitted for review.", count)
    else:
        message = ngettext("%(count)s draft saved.", "%(count)s drafts saved.", count)
    messages.success(request, message % {"count": count})
    if saved.left_out:
        messages.warning(request, _(
            "Not saved, because they changed on the site after you downloaded the workbook: %(outputs)s. "
            "Report on them on their pages, or in a new workbook."
        ) % {"outputs": ", ".join(
            _("Output %(code)s · %(country)s") % {"code": change.output.code, "country": change.output.outcome.country.name}
            for change in saved.left_out
        )})
    return redirect("outputs:my_outputs")
