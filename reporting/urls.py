from django.urls import path

from . import change_views, export_views, views, workbook_views

app_name = "reporting"

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme_overview, name="programme_overview"),
    path("programmes/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<slug:slug>/outputs/", views.output_list, name="output_list"),
    path("programmes/<slug:slug>/countries/<slug:country>/", views.country_page, name="country"),
    path("programmes/<slug:slug>/countries/<slug:country>/report.pdf", export_views.country_report_pdf, name="country_pdf"),
    path("programmes/<slug:slug>/exports/outputs.csv", export_views.outputs_csv, name="export_csv"),
    path("programmes/<slug:slug>/exports/outputs.xlsx", export_views.outputs_xlsx, name="export_xlsx"),
    path("programmes/<slug:slug>/exports/outputs.json", export_views.outputs_json, name="export_json"),
    path("programmes/<slug:slug>/exports/history.csv", export_views.history_csv, name="export_history_csv"),
    path("programmes/<slug:slug>/exports/iati.xml", export_views.iati_xml, name="export_iati"),
    path("programmes/<slug:slug>/changes/", change_views.changes_page, name="changes"),
    path("programmes/<slug:slug>/exports/changes.xlsx", change_views.changes_xlsx, name="export_changes_xlsx"),
    path("programmes/<slug:slug>/exports/changes.pdf", change_views.changes_pdf, name="export_changes_pdf"),
    path("programmes/<slug:slug>/reporting-workbook.xlsx", workbook_views.reporting_workbook_download, name="reporting_workbook_download"),
    path("programmes/<slug:slug>/exports/jobs/<str:job>/", export_views.export_job, name="export_job"),
]
