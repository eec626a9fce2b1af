"""The outputs list's filters (django-filter), shared by the page, the exports and the API."""

import datetime
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from outputs.models import Output
from outputs.vocabulary import NOT_REPORTED, status_filter_choices
from programme.models import Country, Programme
from programme.selectors import programme_countries

from . import selectors
from .selectors import overdue_q

SORTS = {
    "code": ("outcome__country__name", "sort_key", "position"),
    "country": ("outcome__country__name", "sort_key", "position"),
    "deadline": ("deadline_then", "outcome__country__name", "sort_key"),
    "status": ("reported_status", "outcome__country__name", "sort_key"),
    "progress": ("reported_progress", "outcome__country__name", "sort_key"),
    "outcome": ("outcome__number", "outcome__country__name", "sort_key"),
}


class OutputListFilter(django_filters.FilterSet):
    """Filters on the annotated queryset of ``reporting.selectors.outputs_at``."""

    country = django_filters.ChoiceFilter(label=_("Country"), method="filter_country", empty_label=_("All countries"))
    outcome = django_filters.NumberFilter(
        label=_("Outcome"), field_name="outcome__number", widget=forms.NumberInput(attrs={"min": 1})
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=status_filter_choices(), method="filter_status", widget=forms.CheckboxSelectMultiple
    )
    deadline_from = django_filters.DateFilter(
        label=_("Deadline from"), field_name="deadline_then", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_to = django_filters.DateFilter(
        label=_("Deadline to"), field_name="deadline_then", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
        choices=[
            ("country", _("Country and code")),
            ("deadline", _("Deadline, soonest first")),
            ("-deadline", _("Deadline, latest first")),
            ("status", _("Status")),
            ("progress", _("Progress, lowest first")),
            ("-progress", _("Progress, highest first")),
            ("outcome", _("Outcome")),
        ],
    )

    def __init__(self, data: QueryDict | None = None, *args: Any, countries: Iterable[Country] = (),
                 today: datetime.date, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.filters["country"].extra["choices"] = [(country.slug, country.name) for country in countries]

    def filter_country(self, queryset: QuerySet[Output], name: str, value: str) -> QuerySet[Output]:
        return queryset.filter(outcome__country__slug=value) if value else queryset

    def filter_status(self, queryset: QuerySet[Output], name: str, values: list[str]) -> QuerySet[Output]:
        if not values:
            return queryset
        condition = Q(pk__in=[])
        for value in values:
            condition |= Q(reported_status__isnull=True) if value == NOT_REPORTED else Q(reported_status=value)
        return queryset.filter(condition)

    def filter_overdue(self, queryset: QuerySet[Output], name: str, value: bool | None) -> QuerySet[Output]:
        return queryset.filter(overdue_q(self.today)) if value else queryset

    def filter_text(self, queryset: QuerySet[Output], name: str, value: str) -> QuerySet[Output]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title_then__icontains=value) | Q(code__iexact=value) | Q(code__startswith=f"{value}."))

    def filter_sort(self, queryset: QuerySet[Output], name: str, value: str) -> QuerySet[Output]:
        return queryset  # ordering is applied by ``ordered()`` so that it also holds without a filter

    def ordered(self) -> QuerySet[Output]:
        value = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else None
        value = value or "country"
        descending = value.startswith("-")
        fields = SORTS.get(value.lstrip("-"), SORTS["country"])
        if descending:
            fields = (f"-{fields[0]}", *fields[1:])
        return self.qs.order_by(*fields, "pk")


def outputs_filtered(query: QueryDict | None, programme: Programme,
                     moment: selectors.ReportMoment) -> tuple[OutputListFilter, QuerySet[Output]]:
    """The outputs list's filters (a QueryDict) applied to the programme as of the moment: the
    filter set (for the form) and the outputs (pages, exports and the background export)."""
    filterset = OutputListFilter(
        query or None,
        queryset=selectors.outputs_for_list(programme, moment),
        countries=programme_countries(programme),
        today=moment.today,
    )
    if filterset.is_bound and not filterset.is_valid():
        return filterset, selectors.outputs_for_list(programme, moment).none()
    return filterset, filterset.ordered()
