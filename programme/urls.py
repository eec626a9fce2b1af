from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reporting.urls")),
]

admin.site.site_header = "Output tracker"
admin.site.site_title = "Output tracker"
admin.site.index_title = "Programmes, people and access"
