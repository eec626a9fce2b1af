import csv
import io
import itertools
import zipfile
from typing import Any, cast

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.admin import SimpleHistoryAdmin

from core.cache_backend import CacheUnavailable
from core.http import signed_in_user
from programme.admin import ProgrammeScopedAdmin, TouchesProgrammes
from programme.models import Country, Outcome, Programme

from . import selectors
from .models import Evidence, Output, OutputQuerySet, ReminderSent, ReviewEvent, StatusUpdate
from .page_import_admin import ProgrammePageImportAdmin
from .previews import previews_sweep_schedule
from .resources import OutputResource
from .services.output_edits import OUTPUT_EDITABLE_FIELDS, output_create, output_edit
from .spreadsheets import AlreadyClaimed, check_no_macros, check_zip_archive, confirmation_claim

# The programme list gains the import from a published outputs page, which runs this app's services.
admin.site.unregister(Programme)
admin.site.register(Programme, ProgrammePageImportAdmin)


class UpdatesSeenAdmin(ProgrammeScopedAdmin):
    """Admin over status updates or what hangs on them: staff who are not superusers see only the
    updates their grants show them on the app's pages (selectors.updates_visible_q), so another
    country's drafts stay out of the admin too. ``update_prefix`` leads from the model to its update."""

    update_prefix = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(selectors.updates_visible_q(signed_in_user(request), prefix=self.update_prefix))


class ReadOnlyHistoryAdmin(ProgrammeScopedAdmin, SimpleHistoryAdmin):
    """History pages to read, never to revert: a revert would rewrite reporting history and bypass
    the services (SIMPLE_HISTORY_REVERT_DISABLED only hides the button; this refuses the POST).
    The history of an object outside the staff user's programmes is missing (django-simple-history
    reads historical records by id, past the admin's queryset)."""

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        self.refuse_out_of_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict | None = None) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("History is not reverted here.")
        self.refuse_out_of_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class RepeatedCodeFilter(admin.SimpleListFilter):
    title = _("data quality")
    parameter_name = "repeated_code"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Repeated code")), ("no", _("Unique code"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(has_repeated_code=True)
        if self.value() == "no":
            return queryset.filter(has_repeated_code=False)
        return queryset


class OutcomeNumberFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome_number"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        outcomes = model_admin.admin_site.get_model_admin(Outcome).get_queryset(request)
        numbers = outcomes.order_by("number").values_list("number", flat=True).distinct()
        return [(str(number), _("Outcome %(number)s") % {"number": number}) for number in numbers]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdecimal():
            return queryset.filter(outcome__number=int(value))
        return queryset


class OutputInline(admin.TabularInline):
    model = Output
    fields = ["code", "title", "deadline", "position"]
    extra = 0
    show_change_link = True
    can_delete = False  # outputs carry reported history; they are never deleted from a form
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 6})},
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).order_by("sort_key", "position")


@admin.register(Outcome)
class OutcomeAdmin(ProgrammeScopedAdmin, TouchesProgrammes, admin.ModelAdmin):
    list_display = ["__str__", "programme", "country", "number", "title"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "country__name", "programme__code"]
    list_select_related = ["programme", "country"]
    inlines = [OutputInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Outputs edited inline go through the services, as on their own page."""
        if formset.model is not Output:
            return super().save_formset(request, form, formset, change)
        outcome = form.instance
        # What the admin's change message and log entry list (a formset's own save sets these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for output_form in formset.forms:
            if not output_form.has_changed() or not output_form.is_valid():
                continue
            data = output_form.cleaned_data
            if output_form.instance.pk is None:
                created = output_create(
                    programme=outcome.programme, country=outcome.country, outcome_number=outcome.number,
                    code=data["code"], title=data["title"], deadline=data["deadline"], user=signed_in_user(request),
                    reason="Added in the admin",
                )
                formset.new_objects.append(created)
            else:
                changes = {name: data[name] for name in output_form.changed_data if name in OUTPUT_EDITABLE_FIELDS}
                if changes:
                    edited = output_edit(
                        output=Output.objects.get(pk=output_form.instance.pk), user=signed_in_user(request),
                        reason="Edited in the admin", **changes,
                    )
                    formset.changed_objects.append((edited, list(changes)))


def count_csv_rows(upload: UploadedFile, stop: int) -> int:
    """The data rows of a CSV upload (records, so a quoted line break stays in its row), counted
    up to ``stop``; the upload is left at its start."""
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", errors="replace", newline="")
    try:
        return sum(1 for _row in itertools.islice(csv.reader(text), 1, stop + 1))
    except csv.Error:
        return 0  # not CSV: reading the file for the preview says so
    finally:
        text.detach()  # the upload stays open for the import
        upload.seek(0)


def count_xlsx_rows(upload: UploadedFile, stop: int) -> int:
    """The data rows of the first sheet of an XLSX upload, read as a stream (openpyxl's read-only
    mode) up to ``stop``; the upload is left at its start."""
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        return 0  # not a workbook: reading the file for the preview says so
    try:
        return sum(1 for _row in itertools.islice(workbook.active.iter_rows(values_only=True), 1, stop + 1))
    finally:
        workbook.close()
        upload.seek(0)


class OutputImportForm(ImportForm):
    def __init__(self, formats: list, resources: list, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean_import_file(self) -> UploadedFile:
        """A file over IMPORT_MAX_BYTES (its size as uploaded), a zip bomb or a workbook with macros is
        refused here, before the upload is copied anywhere or opened: the confirmation reads only
        files stored after this."""
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("This file is %(size)s: an import takes at most %(limit)s. Split it into several files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        check_zip_archive(upload)
        check_no_macros(upload, upload.name)
        return upload

    def clean(self) -> None:
        """A file of more than IMPORT_MAX_ROWS rows is refused before it is read whole: its rows are
        counted as it is read, in the format chosen, stopping at the limit."""
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is not None and chosen:
            count_rows = count_xlsx_rows if issubclass(self.formats[int(chosen)], XLSX) else count_csv_rows
            if count_rows(upload, settings.IMPORT_MAX_ROWS + 1) > settings.IMPORT_MAX_ROWS:
                self.add_error("import_file", _(
                    "This file has more than %(limit)s rows: an import takes at most %(limit)s. "
                    "Split it into several files."
                ) % {"limit": settings.IMPORT_MAX_ROWS})
        return cleaned




@admin.register(Output)
class OutputAdmin(ImportExportMixin, ReadOnlyHistoryAdmin):
    programme_path = "outcome__programme"
    resource_classes = [OutputResource]
    formats = [CSV, XLSX]
    import_form_class = OutputImportForm
    list_display = [
        "code_display",
        "short_title",
        "country",
        "outcome_number",
        "deadline",
        "programme_code",
        "repeated_code_warning",
    ]
    list_display_links = ["code_display", "short_title"]
    list_filter = [
        ("outcome__programme", admin.RelatedOnlyFieldListFilter),
        ("outcome__country", admin.RelatedOnlyFieldListFilter),
        OutcomeNumberFilter,
        "deadline",
        RepeatedCodeFilter,
    ]
    search_fields = ["code", "title"]
    date_hierarchy = "deadline"
    list_per_page = 50
    autocomplete_fields = ["outcome"]
    fields = ["outcome", "code", "title", "deadline", "position"]
    history_list_display = ["code", "deadline"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            cast(OutputQuerySet, super().get_queryset(request))
            .select_related("outcome__programme", "outcome__country")
            .with_repeated_code()
            .in_natural_order()
        )

    def save_model(self, request: HttpRequest, obj: Output, form: Any, change: bool) -> None:
        """Admin edits go through the same service as coordinators' edits (history, revision)."""
        if not change:
            created = output_create(
                programme=obj.outcome.programme, country=obj.outcome.country,
                outcome_number=obj.outcome.number, code=obj.code, title=obj.title,
                deadline=obj.deadline, user=signed_in_user(request), reason="Added in the admin",
            )
            obj.pk, obj.position = created.pk, created.position
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in OUTPUT_EDITABLE_FIELDS}
        if changes:
            output_edit(
                output=Output.objects.get(pk=obj.pk), user=signed_in_user(request), reason="Edited in the admin", **changes
            )

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """A preview that cannot be confirmed (row errors, an unreadable file) removes the file it
        stored for the confirmation at once; one that can waits UPLOAD_PREVIEW_HOURS at most."""
        response = super().import_action(request, **kwargs)
        # django-import-export names the stored copy on the upload itself.
        stored = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if stored and "confirm_form" not in response.context_data:
            self.get_tmp_storage_class()(name=stored, **self.get_tmp_storage_class_kwargs()).remove()
        elif stored:
            previews_sweep_schedule()  # removed by the task worker if never confirmed
        return response

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirmation of a preview. Its file waits in the media storage until the first
        confirmation imports and removes it; a confirmation that finds it claimed or gone (a second
        click, another tab, a preview too old) is told so and sent back to the import page. The
        claim is in the shared cache (the database's, or CACHE_URL's Redis), so two confirmations at
        once on different servers import the file once."""
        if request.method != "POST":
            return super().process_import(request, **kwargs)
        try:
            with confirmation_claim("import-confirmation:" + request.POST.get("import_file_name", "")):
                try:
                    return super().process_import(request, **kwargs)
                except FileNotFoundError:
                    return self.import_file_gone(request)
        except AlreadyClaimed:
            return self.import_file_gone(request)
        except CacheUnavailable:  # unclaimed, two confirmations at once could import the rows twice
            self.message_user(request, _(
                "This import cannot be confirmed for a moment: nothing was imported and the preview is kept. "
                "Go back to it and confirm again in a minute."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:outputs_output_import"))

    def import_file_gone(self, request: HttpRequest) -> HttpResponse:
        self.message_user(
            request,
            _("This preview was already confirmed, or its file is no longer kept: the outputs list "
              "shows what was imported; to import the file, upload it again."),
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:outputs_output_import"))

    def export_action(self, request: HttpRequest) -> HttpResponse:
        """Filters the list cannot apply (an unknown or malformed parameter) send the user back to
        the list with a message, as the list itself does, instead of failing."""
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            self.message_user(
                request, _("This export's filters were not understood: choose them again on the list."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:outputs_output_changelist"))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        repeated = self.get_queryset(request).filter(has_repeated_code=True).count()
        if repeated:
            self.message_user(
                request,
                _(
                    "Data quality: %(count)s outputs share their code with another output of the "
                    "same component. Filter by 'Repeated code' to review them."
                )
                % {"count": repeated},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("code"), ordering="sort_key")
    def code_display(self, output: Output) -> str:
        return output.code

    @admin.display(description=_("text"))
    def short_title(self, output: Output) -> str:
        return output.title if len(output.title) <= 90 else output.title[:89] + "…"

    @admin.display(description=_("country"), ordering="outcome__country__name")
    def country(self, output: Output) -> Country:
        return output.outcome.country

    @admin.display(description=_("outcome"), ordering="outcome__number")
    def outcome_number(self, output: Output) -> int:
        return output.outcome.number

    @admin.display(description=_("programme"), ordering="outcome__programme__code")
    def programme_code(self, output: Output) -> str:
        return output.outcome.programme.code

    @admin.display(description=_("data quality"), ordering="has_repeated_code")
    def repeated_code_warning(self, output: Output) -> str:
        if getattr(output, "has_repeated_code", False):
            return format_html(
                '<span class="repeated-code" title="{}">⚠ {}</span>',
                _("Another output of this component has the same code."),
                _("repeated code"),
            )
        return ""


class RecordInline(admin.TabularInline):
    """Records written by the services, shown and never edited (fields are read-only)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReviewEventInline(RecordInline):
    model = ReviewEvent
    fields = ["at", "action", "from_state", "to_state", "actor", "reason"]


class EvidenceInline(RecordInline):
    model = Evidence
    fields = ["original_name", "url", "content_type", "size", "added_by", "added_at"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(UpdatesSeenAdmin, ReadOnlyHistoryAdmin):
    """Updates are written by officers and reviewed by coordinators in the app; here they are read."""

    programme_path = "output__outcome__programme"

    list_display = ["__str__", "country", "status", "progress", "as_of", "review_state", "author", "submitted_at", "reviewed_at"]
    list_filter = ["review_state", "status", ("output__outcome__programme", admin.RelatedOnlyFieldListFilter),
                   ("output__outcome__country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["output__code", "output__title", "narrative", "author__username"]
    date_hierarchy = "as_of"
    list_select_related = ["output__outcome__country", "author"]
    inlines = [EvidenceInline, ReviewEventInline]
    readonly_fields = ["output", "author", "status", "progress", "narrative", "as_of", "review_state",
                       "created_at", "updated_at", "last_edited_by", "submitted_at", "reviewed_at", "reviewed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # the history of reporting is never deleted

    @admin.display(description=_("country"), ordering="output__outcome__country__name")
    def country(self, update: StatusUpdate) -> Country:
        return update.output.outcome.country


class RecordAdmin(admin.ModelAdmin):
    """Records the app writes and keeps: readable in the admin, never added or edited there."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(UpdatesSeenAdmin, RecordAdmin):
    update_prefix = "update__"
    list_display = ["at", "action", "update", "actor", "reason"]
    list_filter = ["action", ("programme", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reason", "actor__username", "update__output__code"]
    date_hierarchy = "at"
    list_select_related = ["actor", "update__output"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(UpdatesSeenAdmin, admin.ModelAdmin):
    programme_path = "update__output__outcome__programme"
    update_prefix = "update__"
    list_display = ["__str__", "update", "content_type", "size", "added_by", "added_at"]
    search_fields = ["original_name", "url"]
    list_select_related = ["update__output", "added_by"]
    readonly_fields = ["update", "file", "original_name", "content_type", "size", "url", "added_by", "added_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(ProgrammeScopedAdmin, RecordAdmin):
    programme_path = "output__outcome__programme"
    list_display = ["sent_at", "user", "output", "threshold", "deadline"]
    list_filter = ["threshold"]
    search_fields = ["user__username", "output__code"]
    list_select_related = ["user", "output"]
    date_hierarchy = "sent_at"
