from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccessGrant, Country, Programme, Region, UserPreference


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "country_count"]
    ordering = ["position"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, region):
        return region.country_count


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "slug"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "funding_partner", "start_date", "end_date", "output_count"]
    search_fields = ["code", "title", "funding_partner"]
    readonly_fields = ["slug"]
    fields = ["code", "slug", "title", "funding_partner", ("start_date", "end_date")]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(output_count=Count("outcomes__outputs"))

    @admin.display(description=_("outputs"), ordering="output_count")
    def output_count(self, programme):
        return programme.output_count


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Who may do what: officers per country, coordinators and donors programme-wide."""

    list_display = ["user", "user_full_name", "role", "programme", "country", "created_at"]
    list_filter = ["role", "programme", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "programme__code"]
    list_select_related = ["user", "programme", "country"]
    autocomplete_fields = ["user", "country"]
    date_hierarchy = "created_at"

    @admin.display(description=_("name"), ordering="user__last_name")
    def user_full_name(self, grant):
        return grant.user.get_full_name()


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    """People's own choices (they make them with the header's switcher); admins may correct them."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                required=False,
                choices=[("", "—"), *settings.LANGUAGES],
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.user_language_set(user=obj.user, language=obj.language)
        obj.pk = UserPreference.objects.get(user=obj.user).pk
