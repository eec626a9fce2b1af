"""Officers report on outputs, coordinators review. Thin views: reads in selectors, writes in services."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import BadQuery
from core.http import AuthenticatedHttpRequest
from core.navigation import breadcrumbs, place_in_programme
from programme.access import (
    ProgrammeAccess,
    officer_country_ids,
    programme_access,
    programme_access_or_404,
    reader_programmes,
)
from programme.models import programme_earliest_date
from programme.views import programme_breadcrumbs

from . import notifications, selectors
from .evidence import UndecodableFileNames, undecodable_name_error
from .forms import ApproveForm, OutputEditForm, ReturnForm, StatusUpdateForm
from .models import NARRATIVE_REQUIRED, Evidence, NotificationPreference, Output, Status, StatusUpdate
from .services import output_edits, updates
from .vocabulary import NOT_REPORTED, display_name


def _output_and_access(request: HttpRequest, pk: int) -> tuple[Output, ProgrammeAccess]:
    try:
        output = selectors.output_for_page(pk)
    except Output.DoesNotExist:
        raise Http404("No such output.") from None
    access = programme_access_or_404(request.user, output.outcome.programme)
    place_in_programme(request, output.outcome.programme)
    return output, access


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _keep_typed_after_conflict(form: forms.Form, conflict: Output, message: str) -> None:
    """The person keeps what they typed; saving again applies it over the state they now see."""
    data = cast(QueryDict, form.data).copy()  # a posted form's: immutable until copied
    data["base_revision"] = conflict.revision  # type: ignore[assignment]  # a QueryDict takes any value
    form.data = data
    form.add_error(None, message)


def _crumbs(output: Output, *page: str) -> list[dict[str, str]]:
    """Programme › country › output, as the reporting pages start theirs, then ``page`` below the output."""
    programme, country = output.outcome.programme, output.outcome.country
    label = _("Output %(code)s") % {"code": output.code}
    return programme_breadcrumbs(
        programme, (country.name, reverse("reporting:country", args=[programme.slug, country.slug])),
        *([(label, reverse("outputs:detail", args=[output.pk])), *page] if page else [label]),
    )


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# More outputs than this are listed in the compact table unless the person asks for the cards.
MY_OUTPUTS_CARDS_UP_TO = 10
MY_OUTPUTS_SORTABLE = ("code", "status", "deadline")


def _sort_columns(order: str) -> dict[str, dict[str, str]]:
    """Each sortable column's state (ascending, descending or none) and the ?sort= its link asks for."""
    columns = {}
    for key in MY_OUTPUTS_SORTABLE:
        state = "ascending" if order == key else "descending" if order == f"-{key}" else "none"
        columns[key] = {"state": state, "sort": f"-{key}" if state == "ascending" else key}
    return columns


@login_required
def my_outputs(request: AuthenticatedHttpRequest) -> HttpResponse:
    scopes = officer_country_ids(request.user)
    if not scopes:
        raise PermissionDenied(_("This page lists the outputs of the countries you report for."))
    countries, outcome_numbers = selectors.officer_filter_choices(scopes)
    programmes = [programme for programme in reader_programmes(request.user) if programme.pk in scopes]
    chosen = {name: request.GET.get(name, "") for name in ("programme", "country", "outcome", "status")}
    programme = next((p for p in programmes if p.slug == chosen["programme"]), None)
    country = next((c for c in countries if c.slug == chosen["country"]), None)
    outcome = chosen["outcome"]
    outcome_number = int(outcome) if outcome.isascii() and outcome.isdecimal() and len(outcome) < 6 else None
    status = chosen["status"] if chosen["status"] in {*Status.values, NOT_REPORTED} else None
    sort = request.GET.get("sort", "")
    order = sort if sort.removeprefix("-") in MY_OUTPUTS_SORTABLE else "urgency"
    today = timezone.localdate()
    outputs = list(
        selectors.outputs_for_officer(
            request.user,
            programme_id=programme.pk if programme else None,
            country_id=country.pk if country else None,
            outcome_number=outcome_number,
            status=status,
            today=today,
            order=order,
        )
    )
    layout = request.GET.get("view")
    if layout not in ("table", "cards"):
        layout = "table" if len(outputs) > MY_OUTPUTS_CARDS_UP_TO else "cards"
    return render(
        request,
        "outputs/my_outputs.html",
        {
            "outputs": outputs,
            "programmes": programmes,
            "countries": countries,
            "outcome_numbers": outcome_numbers,
            "statuses": Status.choices,
            "chosen": chosen,
            "today": today,
            "filtered": any(chosen.values()),
            "layout": layout,
            "sort": order if order != "urgency" else "",
            "sort_columns": _sort_columns(order),
            "breadcrumbs": breadcrumbs(_("My outputs")),
        },
    )


@login_required
def output_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    output, access = _output_and_access(request, pk)
    timeline = list(selectors.output_timeline(output, access))
    return render(
        request,
        "outputs/output_detail.html",
        {
            "output": output,
            "access": access,
            "timeline": timeline,
            # The update in progress, where the reader sees it: it is one of the timeline's.
            "pending": next((update for update in timeline if update.pk == output.pending_update_id), None),
            "today": timezone.localdate(),
            "can_report": access.can_report_on(output.outcome.country_id),
            "return_form": ReturnForm(initial={"base_revision": output.revision}),
            "history": output.history.select_related("history_user").all()[:50]
            if access.sees_pending
            else None,
            "breadcrumbs": _crumbs(output),
        },
    )


def _add_rule_errors(form: forms.Form, output: Output, user: User) -> None:
    """The services' rules on the fields the form could parse, so that one submit shows every
    field's error: a field that did not parse keeps its own error only."""
    rule_errors = updates.status_update_rule_errors(
        output=output, user=user, fields=form.cleaned_data, unreadable=form.errors
    )
    for field, messages_ in rule_errors.items():
        form.add_error(field, messages_)


# Django's documented way to change the upload handlers of one view: the CSRF check reads the body,
# so it moves inside, after the handler that reports files whose names are not UTF-8 is in place.
@csrf_exempt
@login_required
def output_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    undecodable_names = UndecodableFileNames(request)
    request.upload_handlers.insert(0, undecodable_names)
    return _output_update(request, pk, undecodable_names)


@csrf_protect
def _output_update(request: AuthenticatedHttpRequest, pk: int, undecodable_names: UndecodableFileNames) -> HttpResponse:
    output, access = _output_and_access(request, pk)
    access.require_report_on(output.outcome.country)
    if request.method == "POST" and "remove_evidence" in request.POST:
        return _remove_evidence_keeping_text(request, output)
    pending = output.pending_update if output.pending_update_id else None
    conflict = None
    if request.method == "POST":
        form = StatusUpdateForm(request.POST, request.FILES, min_date=programme_earliest_date(output.outcome.programme))
        if not form.is_valid() or undecodable_names.count:
            _add_rule_errors(form, output, request.user)
            if undecodable_names.count:
                form.add_error("files", undecodable_name_error())
        else:
            data = form.cleaned_data
            submit = "submit" in request.POST
            try:
                updates.status_update_save(
                    output=output,
                    user=request.user,
                    base_revision=data["base_revision"],
                    status=data["status"],
                    progress=data["progress"],
                    narrative=data["narrative"],
                    as_of=data["as_of"],
                    files=data["files"],
                    links=data["links"],
                    submit=submit,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except output_edits.EditConflict as error:
                conflict = error.output
                if error.saved_by == request.user:
                    message = _("You saved a change to this output in another tab or window after you opened this form. Your text is kept below: compare it with the change and save again.")
                else:
                    message = _("Someone else saved a change to this output after you opened the form. Your text is kept below: compare it with the change and save again.")
                _keep_typed_after_conflict(form, conflict, message)
            else:
                if submit:
                    messages.success(request, _("Update submitted for review. A coordinator will approve it or return it to you."))
                else:
                    messages.success(request, _("Draft saved. Submit it for review when it is ready."))
                return redirect("outputs:detail", pk=output.pk)
        if request.FILES:
            messages.error(request, _("The update was not saved. Please check the form and attach your files again."))
        else:
            messages.error(request, _("The update was not saved. Please check the form."))
    else:
        source = pending or output.reported_update
        initial = {"base_revision": output.revision, "as_of": timezone.localdate()}
        if source is not None:
            initial.update(status=source.status, progress=source.progress, narrative=source.narrative)
            if pending is not None:
                initial["as_of"] = pending.as_of
        else:
            initial.update(status=Status.NOT_STARTED, progress=0)
        form = StatusUpdateForm(initial=initial, min_date=programme_earliest_date(output.outcome.programme))
    return _update_page(request, output, form, pending, conflict)


def _update_page(request: AuthenticatedHttpRequest, output: Output, form: StatusUpdateForm,
                 pending: StatusUpdate | None, conflict: Output | None = None) -> HttpResponse:
    return render(
        request,
        "outputs/update_form.html",
        {
            "output": output,
            "form": form,
            "pending": pending,
            "conflict": conflict,
            "today": timezone.localdate(),
            "evidence": list(pending.evidence.all()) if pending else [],
            "evidence_removable": pending is not None and pending.review_state in updates.EVIDENCE_REMOVABLE_STATES,
            "breadcrumbs": _crumbs(output, _("Report progress")),
            "narrative_required": " ".join(sorted(NARRATIVE_REQUIRED)),
        },
    )


def _remove_evidence_keeping_text(request: AuthenticatedHttpRequest, output: Output) -> HttpResponse:
    """A Remove button of the update form: the file or link leaves the draft, and the form comes back
    with what was typed in it, not yet saved, at the output's new revision (no script needed)."""
    typed = {name: request.POST.get(name, "") for name in ("status", "progress", "narrative", "as_of", "links")}
    revision_form = ApproveForm(request.POST)  # the revision the page was loaded at
    base_revision = revision_form.cleaned_data.get("base_revision") if revision_form.is_valid() else None
    try:
        evidence = selectors.evidence_visible_to(request.user, int(request.POST["remove_evidence"]))
    except (ValueError, Evidence.DoesNotExist):
        evidence = None
    removed = False
    if evidence is None or evidence.update_id != output.pending_update_id:
        messages.error(request, _("This evidence was already removed."))
    elif base_revision is None:
        messages.error(request, _("The update changed after you opened the page; nothing was removed. Check it again below."))
    else:
        try:
            updates.evidence_remove(evidence=evidence, user=request.user, base_revision=base_revision)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except output_edits.EditConflict:
            messages.error(request, _("The update changed after you opened the page; nothing was removed. Check it again below."))
        else:
            messages.success(request, _("Removed from the draft: %(name)s") % {"name": evidence.original_name or evidence.url})
            removed = True
    # The evidence as it is now. The revision is the removal's own, or the page's still, so that
    # saving the text detects a change someone else made meanwhile.
    output = selectors.output_for_page(output.pk)
    if request.FILES:
        messages.warning(request, _("Your text is kept; choose the files to attach again."))
    form = StatusUpdateForm(initial={**typed, "base_revision": output.revision if removed else base_revision},
                            min_date=programme_earliest_date(output.outcome.programme))
    return _update_page(request, output, form, output.pending_update if output.pending_update_id else None)


@login_required
def output_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    output, access = _output_and_access(request, pk)
    access.require_edit_outputs()
    conflict = None
    if request.method == "POST":
        form = OutputEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                output_edits.output_edit(
                    output=output,
                    user=request.user,
                    base_revision=data["base_revision"],
                    reason=data["reason"],
                    title=data["title"],
                    deadline=data["deadline"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except output_edits.EditConflict as error:
                conflict = error.output
                if error.saved_by == request.user:
                    message = _("You changed this output in another tab or window after you opened this form. Your text is kept below: compare and save again.")
                else:
                    message = _("Someone else changed this output after you opened the form. Your text is kept below: compare and save again.")
                _keep_typed_after_conflict(form, conflict, message)
            else:
                messages.success(request, _("Output saved. The change is kept in its history."))
                return redirect("outputs:detail", pk=output.pk)
        messages.error(request, _("The output was not saved. Please check the form."))
    else:
        form = OutputEditForm(
            initial={"title": output.title, "deadline": output.deadline, "base_revision": output.revision}
        )
    return render(
        request,
        "outputs/output_edit.html",
        {"output": output, "form": form, "conflict": conflict,
         "breadcrumbs": _crumbs(output, _("Edit output"))},
    )


@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every programme the coordinator coordinates, or the one ``?programme=`` names."""
    programmes = reader_programmes(request.user)
    reviewable = [p for p in programmes if (a := programme_access(request.user, p)) and a.can_review]
    if not reviewable:
        raise PermissionDenied(_("The review queue is for coordinators."))
    chosen = next((p for p in reviewable if p.slug == request.GET.get("programme")), None)
    ids = [chosen.pk] if chosen else None if request.user.is_superuser else [p.pk for p in reviewable]
    return render(
        request,
        "outputs/review_queue.html",
        {"updates": list(selectors.review_queue(ids)), "programmes": reviewable, "chosen": chosen,
         "today": timezone.localdate(), "return_form": ReturnForm(), "breadcrumbs": breadcrumbs(_("Review queue"))},
    )


def _update_and_access(request: AuthenticatedHttpRequest, pk: int) -> tuple[StatusUpdate, ProgrammeAccess]:
    update = get_object_or_404(selectors.updates_for_review(), pk=pk)
    access = programme_access_or_404(request.user, update.output.outcome.programme)
    access.require_review()
    return update, access


def _review_revision(request: HttpRequest) -> int:
    """The output's revision the review page was read at. Without it the review could not be
    checked against what changed since: it is refused, nothing reviewed (a stale one is a conflict)."""
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise BadQuery(_("This review was sent without the state of the update it was read at, so it could not "
                         "be checked against changes made since: nothing was approved or returned. Open the "
                         "update again and review it from there."))
    return form.cleaned_data["base_revision"]


@login_required
@require_POST
def update_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    update, _access = _update_and_access(request, pk)
    base_revision = _review_revision(request)
    try:
        updates.status_update_approve(update=update, user=request.user, base_revision=base_revision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except output_edits.EditConflict:
        messages.error(request, _("The update changed after you opened the page; nothing was approved. Check it again below."))
    else:
        messages.success(
            request,
            _("Approved: Output %(code)s (%(country)s) now reports %(status)s.")
            % {"code": update.output.code, "country": update.output.outcome.country.name, "status": update.get_status_display()},
        )
    return redirect(_next_url(request, reverse("outputs:review_queue")))


@login_required
@require_POST
def update_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    update, _access = _update_and_access(request, pk)
    base_revision = _review_revision(request)
    reason = request.POST.get("reason", "")
    try:
        updates.status_update_return(update=update, user=request.user, reason=reason, base_revision=base_revision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_next_url(request, reverse("outputs:review_queue")))
    except output_edits.EditConflict:
        messages.error(request, _("The update changed after you opened the page; nothing was returned. Check it again below."))
    else:
        messages.success(
            request,
            _("Returned to %(author)s with your reason: Output %(code)s (%(country)s).")
            % {"author": display_name(update.author), "code": update.output.code, "country": update.output.outcome.country.name},
        )
    return redirect(_next_url(request, reverse("outputs:review_queue")))


@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    try:
        evidence = selectors.evidence_visible_to(request.user, pk)
    except Evidence.DoesNotExist:
        raise Http404("No such file.") from None
    if evidence.is_link:
        return redirect(evidence.url)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=evidence.content_type not in {"application/pdf", "image/png", "image/jpeg"},
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person switches off the review e-mails that concern them (by the roles they hold)."""
    kinds = notifications.notification_kinds(request.user)
    form_class = modelform_factory(NotificationPreference, fields=kinds)
    form = form_class(request.POST if request.method == "POST" else None,
                      instance=notifications.notification_preference(request.user))
    if request.method == "POST" and form.is_valid():
        notifications.notification_preference_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("outputs:notification_settings")
    return render(request, "outputs/notification_settings.html",
                  {"form": form, "breadcrumbs": breadcrumbs(_("E-mail notifications"))})
