"""The REST API: the same reads (selectors), writes (services) and access rules as the pages."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from outputs import selectors as output_selectors
from outputs import services
from outputs.models import Output, ReviewState, Status
from programme.access import (
    programme_access,
    sees_pending_by_programme,
    user_grants,
    visible_programmes,
)
from programme.models import Country, Outcome, Programme

from .. import page_cache
from . import serializers


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The output changed since you read it; read it again and retry.")
    default_code = "conflict"


def _service_errors(error):
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes you hold a grant for."""

    serializer_class = serializers.ProgrammeSerializer
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self):
        return visible_programmes(self.request.user).order_by("code")


class CountryFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="outcomes__programme__slug", distinct=True)

    class Meta:
        model = Country
        fields = ["programme"]


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """The country components of your programmes."""

    serializer_class = serializers.CountrySerializer
    lookup_field = "slug"
    filterset_class = CountryFilter

    def get_queryset(self):
        return (
            Country.objects.filter(outcomes__programme__in=visible_programmes(self.request.user))
            .select_related("region")
            .distinct()
            .order_by("name")
        )


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class OutcomeFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__slug")
    country = django_filters.CharFilter(field_name="country__slug")
    number = IntegerFilter(field_name="number")

    class Meta:
        model = Outcome
        fields = ["programme", "country", "number"]


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OutcomeSerializer
    lookup_value_regex = r"\d+"
    filterset_class = OutcomeFilter

    def get_queryset(self):
        return (
            Outcome.objects.filter(programme__in=visible_programmes(self.request.user))
            .select_related("programme", "country")
            .order_by("programme__code", "country__name", "number")
        )


class OutputFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="outcome__programme__slug")
    country = django_filters.CharFilter(field_name="outcome__country__slug")
    outcome = IntegerFilter(field_name="outcome__number")
    status = django_filters.ChoiceFilter(
        choices=[("none", "Not reported"), *Status.choices], method="filter_status",
        help_text="The reported (approved) status; 'none' for outputs not reported yet.",
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

    def filter_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(reported_update__isnull=True)
        return queryset.filter(reported_update__status=value)

    def filter_overdue(self, queryset, name, value):
        overdue = output_selectors.overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)


class SeesPendingContextMixin:
    """Serializers show pending work only where the reader sees it (ProgrammeAccess.sees_pending)."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["sees_pending"] = sees_pending_by_programme(self.request.user)
        return context


class OutputViewSet(SeesPendingContextMixin, viewsets.ReadOnlyModelViewSet):
    """Outputs with their reported status. Donors see approved status only."""

    serializer_class = serializers.OutputSerializer
    filterset_class = OutputFilter
    lookup_value_regex = r"\d+"

    # Read often and mostly from the cache, like the report pages: no request transaction, whose
    # BEGIN and COMMIT would be two of the few round trips left (reporting/views.py).
    non_atomic_actions = frozenset({"list"})

    @classmethod
    def runs_without_transaction(cls, actions):
        """Whether the route of these actions ({method: action}) has no request transaction."""
        return bool(actions) and set(actions.values()) <= cls.non_atomic_actions

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if cls.runs_without_transaction(actions):
            view = transaction.non_atomic_requests(view)
        return view

    def get_queryset(self):
        return (
            output_selectors.outputs_with_status()
            .filter(outcome__programme__in=visible_programmes(self.request.user))
            .in_natural_order()
        )


    def list(self, request, *args, **kwargs):
        """Served from the cache while none of the reader's programmes changed (reporting/page_cache.py)."""
        user = request.user
        grants = user_grants(user)
        if user.is_superuser:
            programmes = list(Programme.objects.values_list("pk", "data_version"))
        else:
            programmes = {(grant.programme_id, grant.programme.data_version) for grant in grants}
        scope = (user.is_superuser, tuple(sorted((g.programme_id, str(g.role), g.country_id or 0) for g in grants)))
        # The whole address: the filters, the page, and the host that the next/previous links name.
        key = page_cache.page_key("api-outputs", programmes, scope, request.build_absolute_uri(),
                                  request.accepted_media_type)

        def data():
            return super(OutputViewSet, self).list(request, *args, **kwargs).data

        renderer = request.accepted_renderer
        if renderer.format != "json":
            return Response(page_cache.cached(key, data))  # the browsable API, rendered for each reader
        # JSON is kept as sent: a hit is a copy of bytes, with nothing to encode again.
        content = page_cache.cached(
            key, lambda: renderer.render(data(), request.accepted_media_type, self.get_renderer_context())
        )
        media_type = renderer.media_type if renderer.charset is None else f"{renderer.media_type}; charset={renderer.charset}"
        return HttpResponse(content, content_type=media_type)

    def _output_and_access(self, pk):
        output = get_object_or_404(self.get_queryset(), pk=pk)
        return output, programme_access(self.request.user, output.outcome.programme)

    @extend_schema(
        methods=["GET"],
        responses=serializers.StatusUpdateSerializer(many=True),
        summary="The output's status updates (approved only for donors)",
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.StatusUpdateWriteSerializer,
        responses={
            201: serializers.StatusUpdateSerializer,
            409: OpenApiResponse(serializers.ErrorSerializer, description="Changed meanwhile"),
        },
        summary="Report on the output (officers of its country)",
    )
    @action(detail=True, methods=["get", "post"], url_path="updates", pagination_class=None, filter_backends=[])
    def updates(self, request, pk=None):
        output, access = self._output_and_access(pk)
        context = {"sees_pending": {output.outcome.programme_id: access.sees_pending}}
        if request.method == "GET":
            updates = output_selectors.output_timeline(output, include_pending=access.sees_pending)
            return Response(serializers.StatusUpdateSerializer(updates, many=True, context=context).data)
        if not access.can_report_on(output.outcome.country_id):
            raise PermissionDenied(_("Only officers of this country may report on this output."))
        incoming = serializers.StatusUpdateWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            update = services.status_update_save(
                output=output, user=request.user, base_revision=data["base_revision"],
                status=data["status"], progress=data["progress"], narrative=data["narrative"],
                as_of=data["as_of"], links=data["links"], submit=data["submit"],
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        except services.EditConflict:
            raise Conflict() from None
        return Response(serializers.StatusUpdateSerializer(update, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Updates waiting for review (coordinators), oldest first"),
)
class StatusUpdateViewSet(
    SeesPendingContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Status updates you may see; coordinators approve or return submitted ones."""

    serializer_class = serializers.StatusUpdateSerializer

    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = output_selectors.updates_visible_to(self.request.user)
        if self.action == "list":
            return queryset.filter(review_state=ReviewState.SUBMITTED).order_by("submitted_at", "pk")
        return queryset.order_by("-pk")

    def _reviewable(self, pk):
        update = self.get_object()
        access = programme_access(self.request.user, update.output.outcome.programme)
        if not access.can_review:
            raise PermissionDenied(_("Only coordinators review updates."))
        return update

    def _review(self, call):
        try:
            update = call()
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except services.EditConflict:
            raise Conflict() from None
        return Response(self.get_serializer(update).data)

    @extend_schema(request=None, responses={200: serializers.StatusUpdateSerializer}, summary="Approve a submitted update")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        update = self._reviewable(pk)
        return self._review(lambda: services.status_update_approve(update=update, user=request.user))

    @extend_schema(request=serializers.ReturnSerializer, responses={200: serializers.StatusUpdateSerializer},
                   summary="Return a submitted update to its officer with a reason")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        update = self._reviewable(pk)
        incoming = serializers.ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._review(
            lambda: services.status_update_return(update=update, user=request.user, reason=incoming.validated_data["reason"])
        )

