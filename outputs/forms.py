"""Forms parse what people type; the rules live in services.py, whose errors the views map back here."""

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .evidence import ALLOWED_LABEL, ALLOWED_TYPES, MAX_EVIDENCE_BYTES, links_from_text
from .models import Status
from .vocabulary import narrative_required_statuses_lazy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class StatusUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    # Parsed here; the range, like every rule on what is reported, is the services' (one submit
    # shows every field's error: see views.output_update).
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(_("What was done, what is next, what is in the way. Required for {statuses}."),
                              statuses=narrative_required_statuses_lazy()),
    )
    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date this status describes. Not in the future."),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field: the form metaclass moves it off the class
        label=_("Evidence files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(ALLOWED_TYPES)}),
    )
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://"}),
        help_text=_("One http or https link per line."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, max_date: datetime.date | None = None, min_date: datetime.date | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The date picker offers the days the services accept: none in the future or before the programme.
        self.fields["as_of"].widget.attrs["max"] = (max_date or timezone.localdate()).isoformat()
        if min_date:
            self.fields["as_of"].widget.attrs["min"] = min_date.isoformat()
        # Filled in here, in the reader's language (a lazy text cannot be %-formatted at import).
        self.fields["files"].help_text = gettext("%(types)s, at most %(size)s MB each.") % {
            "types": ALLOWED_LABEL,
            "size": MAX_EVIDENCE_BYTES // (1024 * 1024),
        }

    def clean_links(self) -> list[str]:
        return links_from_text(self.cleaned_data["links"])


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tell the officer what to change."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    """The output's revision the page was read at: every review (and evidence removal) carries it,
    as the API's If-Match does."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput)


class OutputEditForm(forms.Form):
    title = forms.CharField(label=_("Output text"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Kept in the output's history."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput)
