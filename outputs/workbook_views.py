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

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import audit
from programme.access import ProgrammeAccess
from programme.models import Country, Programme
from programme.selectors import programme_component, programme_countries
from programme.views import programme_page

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


class BadCountry(ValueError):
    """``?country=`` names no component of the programme."""


def _reporting_countries(programme: Programme, access: ProgrammeAccess) -> list[Country]:
    return [country for country in programme_countries(programme) if access.can_report_on(country.pk)]


def _check_workbook_reader(programme: Programme, access: ProgrammeAccess) -> None:
    """Officers of a country and coordinators use the workbook; others are refused (403)."""
    if not access.is_coordinator and not _reporting_countries(programme, access):
        raise PermissionDenied(_("The reporting workbook is for the officers of a country and the programme's coordinators."))


def _workbook_countries(programme: Programme, access: ProgrammeAccess, asked: str) -> list[Country]:
    """The countries a download holds: an officer's own (or the one asked among them); for a
    coordinator the one asked, or every country of the programme."""
    component = None
    if asked:
        component = programme_component(programme, asked)
        if component is None:
            raise BadCountry(
                _("This programme has no country component '%(code)s'. Use a country's ISO code, e.g. mw, or global.")
                % {"code": asked[:20]}
            )
    if access.is_coordinator:
        return [component] if component else programme_countries(programme)
    own = _reporting_countries(programme, access)
    if component is None:
        return own
    if component not in own:
        raise PermissionDenied(
            _("You report for %(countries)s, not %(country)s.")
            % {"countries": ", ".join(country.name for country in own), "country": component.name}
        )
    return [component]


def _page(request, programme, access, *, status=200, **context):
    own = _reporting_countries(programme, access)
    return render(request, "outputs/reporting_workbook.html", {
        "programme": programme,
        "own_countries": own,
        "countries": programme_countries(programme) if access.is_coordinator else own,
        "form": context.pop("form", None) or WorkbookUploadForm(),
        "max_size": settings.IMPORT_MAX_BYTES,
        "breadcrumbs": [
            {"label": programme.code, "url": reverse("reporting:programme_overview", args=[programme.slug])},
            {"label": _("Reporting workbook"), "url": ""},
        ],
        **context,
    }, status=status)


@programme_page
def reporting_workbook(request, programme, access):
    """GET: the page. POST with a file: its preview. POST with ``confirm``: the save."""
    _check_workbook_reader(programme, access)
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
        return _refused(request, programme, access, upload, error.code, 400, " ".join(error.messages))
    except WorkbookRefused as error:
        return _refused(request, programme, access, upload, "not_a_reporting_workbook", 400, str(error))
    except PermissionDenied as error:
        return _refused(request, programme, access, upload, "country_not_reported", 403, str(error))
    token = None
    if preview.confirmable:
        upload.seek(0)
        name = workbook_preview_store(user=request.user, upload=upload)
        token = signing.dumps({"name": name, "user": request.user.pk, "programme": programme.pk}, salt=SIGNING_SALT)
    return _preview_page(request, programme, access, preview, token)


def _refused(request, programme, access, upload, reason: str, status: int, message: str):
    """The page saying why the file is refused, the refusal recorded in the audit log."""
    audit("upload_refused", request, level=logging.WARNING, file=PurePath(upload.name or "").name, reason=reason,
          size=upload.size, programme=programme.slug)
    return _page(request, programme, access, status=status, refusal=message)


def _preview_page(request, programme, access, preview: WorkbookPreview, token: str | None):
    status = 200 if preview.confirmable else 409 if preview.conflicts and not preview.errors else 400
    return _page(request, programme, access, status=status, preview=preview, token=token)


def _confirm(request, programme, access):
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
                saved = status_updates_import(programme=programme, user=request.user, content=content, submit=submit)
            except FileNotFoundError:
                return _page(request, programme, access, status=409, refusal=_(
                    "This workbook was already saved, or its preview is too old: upload it again."))
            except WorkbookNotSaved as refused:
                default_storage.delete(name)  # what it holds cannot be saved as it is: the officer uploads anew
                return _preview_page(request, programme, access, refused.preview, None)
    except AlreadyClaimed:
        return _page(request, programme, access, status=409, refusal=_(
            "This workbook was already saved (or is being saved): My outputs shows what was saved. "
            "To report again, download a new workbook."))
    transaction.on_commit(partial(default_storage.delete, name))
    audit("reporting_workbook_saved", request, programme=programme.slug, updates=len(saved), submitted=submit)
    if submit:
        message = ngettext("%(count)s update submitted for review.", "%(count)s updates submitted for review.", len(saved))
    else:
        message = ngettext("%(count)s draft saved.", "%(count)s drafts saved.", len(saved))
    messages.success(request, message % {"count": len(saved)})
    return redirect("outputs:my_outputs")
