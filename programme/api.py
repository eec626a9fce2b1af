"""The API's read-only view of the programme structure: the country components of programmes and their
outcomes (the programmes themselves, with their outputs' figures, are reporting.api's)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from .access import visible_programmes
from .models import Country, Outcome


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", allow_null=True, default=None, read_only=True)

    class Meta:
        model = Country
        fields = ["slug", "name", "code", "region"]


class OutcomeSerializer(serializers.ModelSerializer):
    programme: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "programme", "country", "number", "title"]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals): documented as an integer, and ``1.5`` is a 400."""

    field_class = forms.IntegerField


class CountryFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="outcomes__programme__slug", distinct=True)

    class Meta:
        model = Country
        fields = ["programme"]


class OutcomeFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__slug")
    country = django_filters.CharFilter(field_name="country__slug")
    number = IntegerFilter(field_name="number")

    class Meta:
        model = Outcome
        fields = ["programme", "country", "number"]


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """The country components of your programmes."""

    serializer_class = CountrySerializer
    lookup_field = "slug"
    filterset_class = CountryFilter

    def get_queryset(self) -> QuerySet[Country]:
        return (
            Country.objects.filter(outcomes__programme__in=visible_programmes(self.request.user))
            .select_related("region")
            .distinct()
            .order_by("name")
        )


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OutcomeSerializer
    lookup_value_regex = r"\d+"
    filterset_class = OutcomeFilter

    def get_queryset(self) -> QuerySet[Outcome]:
        return (
            Outcome.objects.filter(programme__in=visible_programmes(self.request.user))
            .select_related("programme", "country")
            .order_by("programme__code", "country__name", "number")
        )
