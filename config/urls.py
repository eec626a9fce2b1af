from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from core import health, navigation, tokens
from core.api import ApiDocsView
from core.languages import language_set
from core.passwords import PasswordResetView
from outputs.api import OutputViewSet, StatusUpdateViewSet
from programme.api import CountryViewSet, OutcomeViewSet
from reporting.api import ProgrammeViewSet

# The API's viewsets live with the app whose data they serve; the addresses are assembled here.
api = DefaultRouter()
api.register("programmes", ProgrammeViewSet, basename="programme")
api.register("countries", CountryViewSet, basename="country")
api.register("outcomes", OutcomeViewSet, basename="outcome")
api.register("outputs", OutputViewSet, basename="output")
api.register("updates", StatusUpdateViewSet, basename="update")

urlpatterns = [
    path("healthz", health.health, name="health"),
    path("healthz/live", health.live, name="health_live"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/token/", tokens.api_token, name="api_token"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Both for signed-in people only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): anonymous, the
    # schema answers 401 and the docs send a browser to the login page.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script): the Content-Security-Policy
    # allows no inline script.
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(api.urls)),
    # The reports first: they are what is read most (each pattern tried before costs time).
    path("", include("reporting.urls")),
    path("", include("outputs.urls")),
    path("", navigation.home, name="home"),
]

admin.site.site_header = _("Output tracker")
admin.site.site_title = _("Output tracker")
admin.site.index_title = _("Programmes, people and access")

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
