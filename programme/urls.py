from django.contrib import admin
from django.urls import include, path

from reporting import views as reporting_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("outputs.urls")),
    path("", reporting_views.home, name="home"),
    path("", include("reporting.urls")),
]

admin.site.site_header = "Output tracker"
admin.site.site_title = "Output tracker"
admin.site.index_title = "Programmes, people and access"
