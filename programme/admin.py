from typing import Any, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from .access import coordinated_programmes
from .models import AccessGrant, Country, Programme, Region
from .selectors import programmes_showing
from .services import programme_code_check, programmes_touch


class SafeChangeList(ChangeList):
    """Filters Django cannot build from the query string are told as an incorrect lookup, as Django
    does for other bad parameters (the list redirects, the export goes back to the list): a
    date-hierarchy year past any date, or 9999, whose following year Django computes unchecked;
    a NUL character, which PostgreSQL refuses in a query."""

    def get_filters_params(self, params: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
        lookup_params = super().get_filters_params(params)
        if any("\x00" in value for values in lookup_params.values() for value in values):
            raise IncorrectLookupParameters("A filter holds a NUL character.")
        return lookup_params

    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class ProgrammeScopedAdmin(admin.ModelAdmin):
    """Admin over a programme's data. Staff who are not superusers see, search, filter, pick,
    export, import and change only the rows of the programmes they coordinate
    (programme.access.coordinated_programmes); with no coordinator grant the admin is empty.

    ``programme_path`` leads from the model to its programme. Foreign-key choices (drop-downs and
    autocomplete alike) offer only what the related model's admin shows the user, when that admin
    is scoped too; objects outside the scope answer as missing, history included."""

    programme_path = "programme"

    def in_scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.programme_path}__in": coordinated_programmes(request.user)})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.in_scope(request, super().get_queryset(request))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SafeChangeList

    def refuse_out_of_scope(self, request: HttpRequest, object_id: str) -> None:
        """A 404, as for a missing object, when the object is not among those the admin shows the
        user (superusers also read the history of deleted objects)."""
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            raise Http404

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            related = db_field.related_model
            related_admin = self.admin_site.get_model_admin(related) if self.admin_site.is_registered(related) else None
            if isinstance(related_admin, ProgrammeScopedAdmin):
                kwargs["queryset"] = related_admin.in_scope(request, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TouchesProgrammes(admin.ModelAdmin):
    """Admin writes of rows the pages show give the programmes showing them a new data version
    (programmes_touch) in the admin's transaction: their cached pages are rebuilt, no other
    programme's. After the save, which would otherwise write a programme's old version back."""

    def save_model(self, request: HttpRequest, obj: Model, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # An unchanged form (an outcome saved for its inline outputs, which the services write)
        # touches nothing.
        if form.has_changed():
            programmes_touch(programmes_showing(obj))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        programmes_touch(programmes_showing(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            programmes_touch(programmes_showing(obj))
        super().delete_queryset(request, queryset)


class SharedReferenceAdmin(TouchesProgrammes, admin.ModelAdmin):
    """Tables every programme shares (regions, countries): staff may read them; only superusers
    change them, since a change reaches programmes the staff user does not coordinate."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser


class RegionCounts(TypedDict):  # what get_queryset annotates
    country_count: int


@admin.register(Region)
class RegionAdmin(SharedReferenceAdmin):
    list_display = ["name", "position", "country_count"]
    ordering = ["position"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, region: "WithAnnotations[Region, RegionCounts]") -> int:
        return region.country_count


class CountryForm(forms.ModelForm):
    def clean_code(self) -> str | None:
        """Upper case, as the country saves it, so that the uniqueness check sees the stored code."""
        code = self.cleaned_data["code"]
        return code.upper() if code else code


@admin.register(Country)
class CountryAdmin(SharedReferenceAdmin):
    form = CountryForm
    list_display = ["name", "code", "region", "slug"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


class ProgrammeForm(forms.ModelForm):
    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        programme_code_check(code, exclude_pk=self.instance.pk)
        return code


class ProgrammeCounts(TypedDict):
    output_count: int


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeScopedAdmin, TouchesProgrammes, admin.ModelAdmin):
    """Programmes: staff change those they coordinate; only superusers add new ones."""

    programme_path = "pk"
    form = ProgrammeForm
    list_display = ["code", "title", "funding_partner", "start_date", "end_date", "output_count"]
    search_fields = ["code", "title", "funding_partner"]
    readonly_fields = ["slug"]
    fields = ["code", "slug", "title", "funding_partner", ("start_date", "end_date"), "demo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(output_count=Count("outcomes__outputs"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("outputs"), ordering="output_count")
    def output_count(self, programme: "WithAnnotations[Programme, ProgrammeCounts]") -> int:
        return programme.output_count


@admin.register(AccessGrant)
class AccessGrantAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    """Who may do what: officers per country, coordinators and donors programme-wide."""

    list_display = ["user", "user_full_name", "role", "programme", "country", "created_at"]
    list_filter = [
        "role", ("programme", admin.RelatedOnlyFieldListFilter), ("country", admin.RelatedOnlyFieldListFilter)
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "programme__code"]
    list_select_related = ["user", "programme", "country"]
    autocomplete_fields = ["user", "country"]
    date_hierarchy = "created_at"

    @admin.display(description=_("name"), ordering="user__last_name")
    def user_full_name(self, grant: AccessGrant) -> str:
        return grant.user.get_full_name()


# People are named on the pages of their programmes: a rename in the admin changes those pages.
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(TouchesProgrammes, UserAdmin):
    pass
