from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme_overview, name="programme_overview"),
    path("programmes/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<slug:slug>/outputs/", views.output_list, name="output_list"),
    path("programmes/<slug:slug>/countries/<slug:country>/", views.country_page, name="country"),
]
