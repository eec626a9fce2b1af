"""The site's root: `/` sends each person where they work (named "home", outside the reporting namespace)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
