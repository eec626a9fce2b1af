from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Field
from django.http import HttpRequest

from .models import UserPreference
from .services import user_language_set


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    """People's own choices (they make them with the header's switcher); admins may correct them."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                required=False,
                choices=[("", "—"), *settings.LANGUAGES],
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: UserPreference, form: forms.Form, change: bool) -> None:
        user_language_set(user=obj.user, language=obj.language)
        obj.pk = UserPreference.objects.get(user=obj.user).pk
