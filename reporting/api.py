"""The API's programmes: each with its outputs' figures as the portfolio page shows them, read by the
same selector (reporting.portfolio), with the same filters and orders."""

from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from programme.access import visible_programmes
from programme.models import Programme

from .portfolio import SORTS, PortfolioRow, portfolio_read


class ProgrammeSerializer(serializers.Serializer):
    """A programme, with its outputs counted as they stand today (all its country components)."""

    slug = serializers.CharField(source="programme.slug")
    code = serializers.CharField(source="programme.code")
    title = serializers.CharField(source="programme.title")
    funding_partner = serializers.CharField(source="programme.funding_partner")
    start_date = serializers.DateField(source="programme.start_date", allow_null=True)
    end_date = serializers.DateField(source="programme.end_date", allow_null=True)
    countries = serializers.SerializerMethodField(help_text="Its country components' slugs, the Global one last.")
    outputs = serializers.IntegerField(source="figures.outputs")
    achieved = serializers.IntegerField(source="figures.achieved",
                                        help_text="Outputs whose reported (latest approved) status is Achieved.")
    achieved_share = serializers.IntegerField(source="figures.achieved_share",
                                              help_text="achieved as a whole percentage of outputs.")
    overdue = serializers.IntegerField(
        source="figures.overdue", help_text="Outputs past their deadline without an approved Achieved or Cancelled status.")
    due_soon = serializers.IntegerField(
        source="figures.due_soon",
        help_text="Outputs due from today within DUE_SOON_DAYS days (30 unless set), not Achieved or Cancelled.")
    waiting_for_review = serializers.IntegerField(
        source="waiting", allow_null=True,
        help_text="Updates submitted and waiting for a coordinator's review; null for readers who see approved "
                  "data only (donors).")
    last_approved = serializers.DateField(source="figures.last_approved", allow_null=True,
                                          help_text="The day its latest update was approved; null before the first.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, row: PortfolioRow) -> list[str]:
        return [component.slug for component in row.components]


FILTERS = [
    OpenApiParameter("partner", str, description="Only the programmes of this funding partner (as written)."),
    OpenApiParameter("country", str, description="Only the programmes having this country component (its slug, e.g. "
                                                 "mw, or global)."),
    OpenApiParameter("sort", str, enum=[key for name in SORTS for key in (name, f"-{name}")],
                     description="The order, by programme code unless told (- before a key reverses it); ties by code."),
]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes you hold a grant for, with their outputs' figures as the portfolio page counts them
    (IsAuthenticated: the reader is signed in)."""

    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self) -> QuerySet[Programme]:  # the programmes a detail may name
        return visible_programmes(self.request.user).order_by("code")

    @extend_schema(parameters=FILTERS)
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """A value that does not validate is a 400 naming it (core.errors.BadQuery)."""
        page = self.paginate_queryset(portfolio_read(cast(User, request.user), request.query_params).rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        (row,) = portfolio_read(cast(User, request.user), {}, programmes=[self.get_object()]).rows
        return Response(self.get_serializer(row).data)
