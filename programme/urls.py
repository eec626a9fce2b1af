from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import health, tokens
from programme.passwords import PasswordResetView
from programme.views import language_set

urlpatterns = [
    path("healthz", health.health, name="health"),
    path("healthz/live", health.live, name="health_live"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/token/", tokens.api_token, name="api_token"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("reporting.api.urls")),
    # The reports first: they are what is read most (each pattern tried before costs time).
    path("", include("reporting.urls")),
    path("", include("outputs.urls")),
    path("", include("reporting.home_urls")),
]

admin.site.site_header = _("Output tracker")
admin.site.site_title = _("Output tracker")
admin.site.index_title = _("Programmes, people and access")

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
