"""The programme list's import from a published outputs page (/admin/programme/programme/import-page/).

The page is uploaded (text or HTML, as the browser saves it) or pasted, previewed against the
database (outputs.services.page_import: the import itself, in a transaction rolled back), then
confirmed in one step. Between the two, the page's lines travel signed in the confirmation form, so
that any app server can confirm it; the first confirmation claims it in the cache
(confirmation_claim), so that a second click or another tab imports nothing twice, and the
preview's digest refuses a confirmation when the database changed since the preview.
"""

import logging
import uuid
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.dateparse import parse_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit
from programme.access import may_import_pages
from programme.admin import ProgrammeAdmin
from programme.models import Programme

from .page_files import parse_text, read_page
from .page_parser import PageError, ParsedPage, parse_lines
from .services.page_import import (
    ImportPlanChanged,
    ImportReport,
    outputs_import_page,
    outputs_import_page_preview,
)
from .spreadsheets import AlreadyClaimed, confirmation_claim

SIGNING_SALT = "outputs-page-import"
PROGRAMME_FIELDS = forms.fields_for_model(
    Programme, fields=["code", "funding_partner", "start_date", "end_date"],
    widgets={"start_date": AdminDateWidget, "end_date": AdminDateWidget},
)


class PageImportForm(forms.Form):
    page_file = forms.FileField(
        label=gettext_lazy("Outputs page"), required=False,
        help_text=gettext_lazy("The page as saved from the browser: text or HTML, in UTF-8, UTF-16 or Windows-1252."),
    )
    page_text = forms.CharField(
        label=gettext_lazy("Or its text, pasted"), required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("The file's encoding"), required=False,
        choices=[
            ("", gettext_lazy("Detect it (UTF-8; UTF-16 with a byte-order mark; as an HTML file declares)")),
            ("utf-8", "UTF-8"),
            ("windows-1252", gettext_lazy("Windows-1252 (Western European)")),
        ],
    )
    code = PROGRAMME_FIELDS["code"]
    funding_partner = PROGRAMME_FIELDS["funding_partner"]
    start_date = PROGRAMME_FIELDS["start_date"]
    end_date = PROGRAMME_FIELDS["end_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "e.g. GLO/22/31/IRL. A code no programme has yet creates the programme (superusers only)."
        )
        self.fields["funding_partner"].help_text = _("Left empty, the programme's stays as it is; so do its dates.")
        self.page: ParsedPage | None = None
        self.page_error: PageError | None = None
        self.source = ""  # the file's name, or "pasted text": for the history and the audit log

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("page_file"), cleaned.get("page_text") or ""
        self.source = PurePath(upload.name or "").name if upload else _("pasted text")
        if upload and text.strip():
            raise ValidationError(_("Give the page as a file or as pasted text, not both."))
        if not upload and not text.strip():
            raise ValidationError(_("Choose the page's file, or paste its text."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if upload and upload.size > settings.IMPORT_MAX_BYTES:
            self.add_error("page_file", _("This file is %(size)s: an import takes at most %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)})
            return cleaned
        try:
            self.page = read_page(upload.read(), encoding=cleaned.get("encoding") or None) if upload else parse_text(text)
        except PageError as error:
            self.page_error = error
            self.add_error("page_file" if upload else "page_text", _(
                "Line %(number)s: %(message)s Nothing was imported."
            ) % {"number": error.line_number, "message": error.message})
        return cleaned


def _verbose_name(name: str) -> str:
    return str(getattr(Programme._meta.get_field(name), "verbose_name", name))


def _person(request: HttpRequest) -> User:
    """The person signed in: the admin's views serve active staff only."""
    return cast(User, request.user)


def _programme_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The import's keyword arguments for the programme; an empty partner or date keeps the stored one."""
    return {"code": data["code"], "funding_partner": data.get("funding_partner") or None,
            "start_date": data.get("start_date"), "end_date": data.get("end_date")}


class ProgrammePageImportAdmin(ProgrammeAdmin):
    """Programmes, with the import from a published outputs page: superusers create programmes
    with it; coordinators re-import the page of a programme they coordinate."""

    change_list_template = "outputs/admin/programme_change_list.html"
    change_form_template = "outputs/admin/programme_change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import-page/", self.admin_site.admin_view(self.import_page_view), name="programme_programme_import_page"),
            *super().get_urls(),
        ]

    def may_import(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and may_import_pages(_person(request))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "may_import_page": self.may_import(request)})

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {}), "may_import_page": self.may_import(request)}
        return super().change_view(request, object_id, form_url, context)

    def import_page_view(self, request: HttpRequest) -> HttpResponse:
        """GET: the form. POST: its preview, or with ``confirm`` the import."""
        if not self.may_import(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        if request.method != "POST":
            return self._render(request, PageImportForm(initial={"code": request.GET.get("code", "")[:50]}))
        form = PageImportForm(request.POST, request.FILES)
        if not form.is_valid() or form.page is None:
            if form.page_error is not None:
                audit("outputs_page_refused", request, level=logging.WARNING, reason="bad_page",
                      line=form.page_error.line_number, file=form.source)
            return self._render(request, form, status=400)
        fields = _programme_fields(form.cleaned_data)
        try:
            report = outputs_import_page_preview(page=form.page, user=_person(request), **fields)
        except PermissionDenied as refusal:
            audit("outputs_page_refused", request, level=logging.WARNING, reason="not_allowed", programme=fields["code"])
            form.add_error("code", str(refusal))
            return self._render(request, form, status=403)
        except ValidationError as error:
            for name, errors in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
            return self._render(request, form, status=400)
        claim = {"lines": form.page.lines, "user": request.user.pk, "source": form.source, **fields,
                 "start_date": fields["start_date"] and fields["start_date"].isoformat(),
                 "end_date": fields["end_date"] and fields["end_date"].isoformat()}
        return self._preview(request, report, claim)

    def _preview(self, request: HttpRequest, report: ImportReport, claim: dict, status: int = 200) -> HttpResponse:
        """The preview page; it offers the confirmation when the import would change anything."""
        token = None
        if report.changed_anything:
            claim = {**claim, "digest": report.digest, "nonce": uuid.uuid4().hex}
            token = signing.dumps(claim, salt=SIGNING_SALT, compress=True)
        # A new programme's details as they will be stored; for one stored already, what changes.
        details = [
            (capfirst(_verbose_name(name)), getattr(report.programme, name))
            for name in ("funding_partner", "start_date", "end_date")
            if report.programme_created and getattr(report.programme, name)
        ]
        changes = [
            (capfirst(_verbose_name(name)), before, after) for name, (before, after) in report.programme_changes.items()
        ]
        return self._render(request, None, status=status, report=report, token=token, code=claim["code"],
                            source=claim["source"], programme_changes=changes, programme_details=details)

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        try:
            claim = signing.loads(request.POST["confirm"], salt=SIGNING_SALT, max_age=settings.UPLOAD_PREVIEW_HOURS * 3600)
            page = parse_lines(claim["lines"]) if claim.get("user") == request.user.pk else None
        except (signing.BadSignature, PageError):  # a preview too old, another's, or read by an older version
            page = None
        if page is None:
            self.message_user(request, _("This preview is no longer valid: upload the page again."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:programme_programme_import_page"))
        fields = {"code": claim["code"], "funding_partner": claim["funding_partner"],
                  "start_date": parse_date(claim["start_date"] or ""), "end_date": parse_date(claim["end_date"] or "")}
        try:
            # Without the shared cache it goes on unclaimed: a second confirmation finds the database no
            # longer as its preview's digest says (ImportPlanChanged) and imports nothing.
            with confirmation_claim(f"{SIGNING_SALT}:{claim['nonce']}", proceed_unclaimed=True):
                report = outputs_import_page(page=page, user=_person(request), expected_digest=claim["digest"], **fields)
                self._log(request, report, claim["source"])
        except AlreadyClaimed:
            self.message_user(request, _(
                "This preview was already confirmed (or is being confirmed): the programme's outputs show what "
                "was imported."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:programme_programme_changelist"))
        except ImportPlanChanged as changed:
            self.message_user(request, _(
                "The database changed since this preview, so nothing was imported: here is what the import would "
                "do now."), messages.WARNING)
            return self._preview(request, changed.report, claim, status=409)
        except (PermissionDenied, ValidationError) as refusal:
            text = str(refusal) if isinstance(refusal, PermissionDenied) else " ".join(refusal.messages)
            self.message_user(request, _("Nothing was imported: %(reason)s") % {"reason": text}, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:programme_programme_import_page"))
        self.message_user(request, _(
            "%(code)s imported from its outputs page. Outputs created: %(created)s, changed: %(updated)s, "
            "unchanged: %(unchanged)s."
        ) % {"code": report.programme.code, "created": report.created, "updated": report.updated,
             "unchanged": report.unchanged}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:outputs_output_changelist") + f"?outcome__programme__id__exact={report.programme.pk}"
        )

    def _log(self, request: HttpRequest, report: ImportReport, source: str) -> None:
        """The programme's history in the admin: created or changed by the person who imported."""
        message = _(
            "Imported from the outputs page (%(source)s). Outputs created: %(created)s, changed: %(updated)s, "
            "unchanged: %(unchanged)s."
        ) % {"source": source, "created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        if report.programme_changes:
            message += " " + _("Changed: %(fields)s.") % {"fields": ", ".join(
                _verbose_name(name) for name in report.programme_changes)}
        if report.programme_created:
            self.log_addition(request, report.programme, message)
        else:
            self.log_change(request, report.programme, message)

    def _render(self, request: HttpRequest, form: PageImportForm | None, status: int = 200, **context: Any) -> TemplateResponse:
        return TemplateResponse(request, "outputs/admin/import_page.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a programme's outputs page"),
            "form": form,
            "media": self.media + (form.media if form else forms.Media()),
            **context,
        }, status=status)
