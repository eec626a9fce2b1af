from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from outputs.api import OutputViewSet, StatusUpdateViewSet
from programme.api import CountryViewSet, OutcomeViewSet, ProgrammeViewSet

from .views import ApiDocsView

# The API's viewsets live with the app whose data they serve; the addresses are assembled here.
router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("countries", CountryViewSet, basename="country")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("outputs", OutputViewSet, basename="output")
router.register("updates", StatusUpdateViewSet, basename="update")

urlpatterns = [
    # Both for signed-in people only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): anonymous, the
    # schema answers 401 and the docs send a browser to the login page.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script): the Content-Security-Policy
    # allows no inline script.
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
