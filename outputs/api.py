"""The API's outputs and status updates: the reads of ``selectors``, the writes of ``services`` and the
access rules of the pages."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from core.caching import cached_for_programmes
from core.http import signed_in_user
from programme.access import (
    programme_access_or_404,
    sees_pending_by_programme,
    view_keys_by_programme,
    visible_programmes,
)
from programme.api import IntegerFilter

from . import selectors
from .models import (
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
    is_overdue,
    overdue_q,
)
from .services.output_edits import EditConflict
from .services.updates import (
    MAX_LINK_CHARS,
    MAX_LINKS,
    MAX_NARRATIVE_CHARS,
    status_update_approve,
    status_update_return,
    status_update_rule_errors,
    status_update_save,
)
from .vocabulary import NARRATIVE_REQUIRED_KEYS, NOT_REPORTED, status_filter_choices

# Serializers

REVISION_HELP = (
    "The output's revision: every change to the output or to one of its updates moves it on. "
    "Detail responses carry it as their ETag, which a change sends back in If-Match."
)


class ReportedStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusUpdate
        fields = ["id", "status", "progress", "as_of", "narrative", "reviewed_at"]


class PendingUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusUpdate
        fields = ["id", "status", "progress", "as_of", "review_state"]


class OutputSerializer(serializers.Serializer):
    """An output with its reported (approved) status; ``pending`` only for officers and coordinators."""

    id = serializers.IntegerField(read_only=True)
    revision = serializers.IntegerField(read_only=True, help_text=REVISION_HELP)
    programme = serializers.CharField(source="outcome.programme.slug", read_only=True)
    country = serializers.CharField(source="outcome.country.slug", read_only=True)
    country_name = serializers.CharField(source="outcome.country.name", read_only=True)
    outcome = serializers.IntegerField(source="outcome.number", read_only=True)
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    deadline = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()
    reported = ReportedStatusSerializer(source="reported_update", read_only=True, allow_null=True)
    pending = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, output: Output) -> bool:
        reported = output.reported_update
        return is_overdue(output.deadline, reported.status if reported else None, timezone.localdate())

    @extend_schema_field(PendingUpdateSerializer(allow_null=True))
    def get_pending(self, output: Output) -> dict | None:
        sees_pending = self.context.get("sees_pending", {})
        # None where the reader may not see it (outputs.selectors.outputs_visible_to).
        if output.pending_update is not None and sees_pending.get(output.outcome.programme_id):
            return PendingUpdateSerializer(output.pending_update).data
        return None


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "url", "content_type", "size", "added_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, evidence: Evidence) -> str:
        return evidence.original_name or evidence.url


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = ReviewEvent
        fields = ["action", "from_state", "to_state", "actor", "at", "reason"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    output = serializers.IntegerField(source="output_id", read_only=True)
    revision = serializers.IntegerField(source="output.revision", read_only=True, help_text=REVISION_HELP)
    evidence = EvidenceSerializer(many=True, read_only=True)
    events = ReviewEventSerializer(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "output", "revision", "author", "status", "progress", "narrative", "as_of", "review_state",
            "submitted_at", "reviewed_at", "evidence", "events",
        ]
        read_only_fields = fields

    def to_representation(self, update: StatusUpdate) -> dict:
        data = super().to_representation(update)
        # Donors see approved statuses only, not the review between officer and coordinator.
        programmes_with_review_data = self.context.get("sees_pending", {})
        if not programmes_with_review_data.get(update.output.outcome.programme_id, False):
            data["events"] = [event for event in data["events"] if event["action"] == ReviewEvent.Action.APPROVED]
            for event in data["events"]:
                event["reason"] = ""
        return data


class StatusUpdateWriteSerializer(serializers.Serializer):
    """What an officer sends, parsed only: the rules are the services' (status_update_validate),
    which answer every refused field at once."""

    status = serializers.ChoiceField(choices=Status.choices)
    progress = serializers.IntegerField(help_text="0 to 100.")
    narrative = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=f"At most {MAX_NARRATIVE_CHARS} characters; required for {NARRATIVE_REQUIRED_KEYS}. "
                  "Line endings are stored as \\n.",
    )
    as_of = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Today if not given; neither in the future nor before the programme's start.",
    )
    links = serializers.ListField(
        child=serializers.CharField(), required=False, default=list,
        help_text=f"http or https links of at most {MAX_LINK_CHARS} characters; an update holds at "
                  f"most {MAX_LINKS}. Every refused link is named.",
    )
    submit = serializers.BooleanField(required=False, default=True)


def parsed_or_every_error(request: Request, output: Output) -> dict:
    """What the officer sent, parsed; or a 400 naming every refused field at once, as the form does: a
    field that does not parse keeps its own error, and the services' rules judge the others."""
    incoming = StatusUpdateWriteSerializer(data=request.data)
    if incoming.is_valid():
        return incoming.validated_data
    errors = dict(incoming.errors)
    readable_data: Any = request.data.copy()  # a dict (JSON) or a QueryDict (a form)
    for field in errors:
        readable_data.pop(field, None)
    readable = StatusUpdateWriteSerializer(data=readable_data, partial=True)
    if readable.is_valid():
        errors |= status_update_rule_errors(
            output=output, user=signed_in_user(request), fields=readable.validated_data, unreadable=errors
        )
    raise ValidationError(errors)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)


# Conditional writes: a change names, in If-Match, the revision it was made from (RFC 9110 13.1.1).
# The ETag is the output's revision as a strong validator, because If-Match compares strongly and a
# weak one could never match; it names the output's data, so every representation of the output or
# of one of its updates (JSON or the browsable page, in any language, for any role) shares it.


def revision_etag(revision: int) -> str:
    return quote_etag(str(revision))


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        'Send the ETag you read, quoted as the ETag header gave it (for example "7"), in an If-Match '
        "header: GET the output or the update first. Without it, or with If-Match: *, your change "
        "could overwrite one you have not seen."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    """412, saying why the If-Match tags do not match: the output changed since (a tag, weak or not,
    of an earlier revision, or a concurrent change), a weak tag, or a tag this output never had."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, current_revision: int, tags: Sequence[str] = ()) -> None:
        earlier = any(revision < current_revision for revision in map(_tag_revision, tags) if revision is not None)
        weak = [tag for tag in tags if tag.startswith("W/")]
        if tags and not earlier and weak:
            message = gettext(
                "A weak ETag (%(tag)s) is not accepted: a change compares ETags strongly. Send the ETag "
                "as the ETag header gave it, without W/, for example %(strong)s."
            ) % {"tag": weak[0][:40], "strong": weak[0][2:42]}
        elif tags and not earlier:
            message = gettext(
                "%(tag)s was never an ETag of this output, which is at revision %(revision)s: send the ETag "
                "that a GET of the output, or of its update, gave you."
            ) % {"tag": tags[0][:40], "revision": current_revision}
        else:
            message = gettext(
                "The output changed since you read it: it is now at revision %(revision)s. "
                "Read it again, check what changed, and retry with its new ETag."
            ) % {"revision": current_revision}
        super().__init__(message)


def _tag_revision(tag: str) -> int | None:
    """The revision a tag names, strong ("7") or weak (W/"7"), or None for one that names none."""
    value = tag.removeprefix("W/").strip('"')
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 12 else None


def if_match_revision(request: Request, output: Output) -> int:
    """The output's revision if the request's If-Match names it: the base revision of the change.
    428 when If-Match names no entity tag (absent, ``*`` or unreadable, such as an unquoted 7),
    412 when it names others only."""
    tags = parse_etags(request.headers.get("If-Match", ""))
    if not tags or "*" in tags:
        raise PreconditionRequired()
    if revision_etag(output.revision) not in tags:
        raise PreconditionFailed(output.revision, tags)
    return output.revision


@contextmanager
def service_refusals_as_api_errors() -> Iterator[None]:
    """A service's refusal as DRF's answer: 400 naming the fields, 403, or 412 when another change
    took the revision the request was made from (the service's compare-and-swap)."""
    try:
        yield
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        raise ValidationError(detail) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except EditConflict as conflict:
        raise PreconditionFailed(conflict.output.revision) from None


def with_etag(response: Response, revision: int) -> Response:
    response["ETag"] = revision_etag(revision)
    return response


def etag_header(*status_codes: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, required=True, response=list(status_codes),
        description="The output's revision as a strong validator, e.g. \"7\": send it back in If-Match to change "
                    "the output or its updates.",
    )


IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description="The ETag of the output (or of the update) as you read it, e.g. \"7\". Without it the "
                "change is refused with 428; if the output changed since, with 412 and nothing is written.",
)
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(ErrorSerializer, description="If-Match names no current ETag of the output, and the "
                                                      "detail says why: the output changed since the revision it "
                                                      "names (read it again), a weak tag (send the strong one), or "
                                                      "a tag the output never had. Nothing was written."),
    428: OpenApiResponse(ErrorSerializer, description="If-Match is missing (or is *): nothing was written."),
}


# Views


class OutputFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="outcome__programme__slug")
    country = django_filters.CharFilter(field_name="outcome__country__slug")
    outcome = IntegerFilter(field_name="outcome__number")
    status = django_filters.ChoiceFilter(
        choices=status_filter_choices(), method="filter_status",
        help_text=f"The reported (approved) status; '{NOT_REPORTED}' for outputs not reported yet.",
    )
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte")
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue",
        help_text="true: only outputs past their deadline without an approved Achieved or Cancelled status.",
    )

    class Meta:
        model = Output
        fields = ["programme", "country", "outcome", "status", "deadline_after", "deadline_before", "overdue"]

    def filter_status(self, queryset: QuerySet[Output], name: str, value: str) -> QuerySet[Output]:
        if value == NOT_REPORTED:
            return queryset.filter(reported_update__isnull=True)
        return queryset.filter(reported_update__status=value)

    def filter_overdue(self, queryset: QuerySet[Output], name: str, value: str) -> QuerySet[Output]:
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)


class SeesPendingContextMixin(GenericAPIView):
    """Serializers show pending work only where the reader sees it (ProgrammeAccess.sees_pending)."""

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "sees_pending": sees_pending_by_programme(signed_in_user(self.request))}


class OutputViewSet(SeesPendingContextMixin, viewsets.ReadOnlyModelViewSet):
    """Outputs with their reported status. Donors see approved status only."""

    serializer_class = OutputSerializer
    filterset_class = OutputFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Output]:
        return selectors.outputs_visible_to(signed_in_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page's data from Django's cache, keyed like the report fragments: the data version of
        every programme it may list with the reader's view of it, today's date (overdue), the
        language and the whole address (filters, page, and the host the page's links name)."""
        user = request.user
        programmes = list(visible_programmes(user))
        views = sorted(view_keys_by_programme(user, programmes).items())
        data = cached_for_programmes(
            "api-outputs", [(p.pk, p.data_version) for p in programmes],
            lambda: super(OutputViewSet, self).list(request, *args, **kwargs).data,
            views, request.build_absolute_uri(), request.accepted_media_type,
        )
        return Response(data)

    @extend_schema(parameters=[etag_header(200)])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["revision"])

    @extend_schema(
        methods=["GET"],
        parameters=[etag_header(200)],
        responses=StatusUpdateSerializer(many=True),
        summary="The output's status updates (approved only for donors)",
    )
    @extend_schema(
        methods=["POST"],
        parameters=[IF_MATCH, etag_header(201)],
        request=StatusUpdateWriteSerializer,
        responses={201: StatusUpdateSerializer, **PRECONDITION_RESPONSES},
        summary="Report on the output (officers of its country), from the revision you read",
    )
    @action(detail=True, methods=["get", "post"], url_path="updates", pagination_class=None, filter_backends=[])
    def updates(self, request: Request, pk: str | None = None) -> Response:
        output = self.get_object()
        access = programme_access_or_404(request.user, output.outcome.programme)  # found: always one
        context = {"sees_pending": {output.outcome.programme_id: access.sees_pending}}
        if request.method == "GET":
            updates = selectors.output_timeline(output, access)
            return with_etag(Response(StatusUpdateSerializer(updates, many=True, context=context).data),
                             output.revision)
        access.require_report_on(output.outcome.country)
        base_revision = if_match_revision(request, output)
        data = parsed_or_every_error(request, output)
        with service_refusals_as_api_errors():
            update = status_update_save(
                output=output, user=signed_in_user(request), base_revision=base_revision,
                status=data["status"], progress=data["progress"], narrative=data["narrative"],
                as_of=data["as_of"], links=data["links"], submit=data["submit"],
            )
        response = Response(StatusUpdateSerializer(update, context=context).data, status=status.HTTP_201_CREATED)
        return with_etag(response, output.revision)


@extend_schema_view(
    list=extend_schema(summary="Updates waiting for review (coordinators), oldest first"),
)
class StatusUpdateViewSet(
    SeesPendingContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Status updates you may see; coordinators approve or return submitted ones."""

    serializer_class = StatusUpdateSerializer
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[StatusUpdate]:
        queryset = selectors.updates_visible_to(signed_in_user(self.request))
        if self.action == "list":
            return queryset.filter(review_state=ReviewState.SUBMITTED).order_by("submitted_at", "pk")
        return queryset.order_by("-pk")

    @extend_schema(parameters=[etag_header(200)])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["revision"])

    def reviewable_update(self) -> tuple[StatusUpdate, int]:
        """The update a coordinator reviews, and the revision they read it at (If-Match)."""
        update = self.get_object()
        programme_access_or_404(self.request.user, update.output.outcome.programme).require_review()
        return update, if_match_revision(self.request, update.output)

    @extend_schema(
        request=None, parameters=[IF_MATCH, etag_header(200)],
        responses={200: StatusUpdateSerializer, **PRECONDITION_RESPONSES},
        summary="Approve a submitted update, as you read it",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        update, base_revision = self.reviewable_update()
        with service_refusals_as_api_errors():
            update = status_update_approve(update=update, user=signed_in_user(request), base_revision=base_revision)
        return with_etag(Response(self.get_serializer(update).data), update.output.revision)

    @extend_schema(
        request=ReturnSerializer, parameters=[IF_MATCH, etag_header(200)],
        responses={200: StatusUpdateSerializer, **PRECONDITION_RESPONSES},
        summary="Return a submitted update to its officer with a reason, as you read it",
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        update, base_revision = self.reviewable_update()
        incoming = ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with service_refusals_as_api_errors():
            update = status_update_return(
                update=update, user=signed_in_user(request), reason=incoming.validated_data["reason"],
                base_revision=base_revision,
            )
        return with_etag(Response(self.get_serializer(update).data), update.output.revision)
