from django.urls import path

from . import views, workbook_views

app_name = "outputs"

urlpatterns = [
    path("my-outputs/", views.my_outputs, name="my_outputs"),
    path("outputs/<int:pk>/", views.output_detail, name="detail"),
    path("outputs/<int:pk>/update/", views.output_update, name="update"),
    path("outputs/<int:pk>/edit/", views.output_edit, name="edit"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("updates/<int:pk>/approve/", views.update_approve, name="approve"),
    path("updates/<int:pk>/return/", views.update_return, name="return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("programmes/<slug:slug>/reporting-workbook/", workbook_views.reporting_workbook, name="reporting_workbook"),
    path("accounts/notifications/", views.notification_settings, name="notification_settings"),
]
