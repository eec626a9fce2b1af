from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("countries", views.CountryViewSet, basename="country")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("outputs", views.OutputViewSet, basename="output")
router.register("updates", views.StatusUpdateViewSet, basename="update")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script): the Content-Security-Policy
    # allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
