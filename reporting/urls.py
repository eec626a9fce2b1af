from django.urls import path

from . import change_views, export_views, portfolio_views, views
from .report_exports import CountryPdf, ReportingWorkbook

app_name = "reporting"

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme_overview, name="programme_overview"),
    path("programmes/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<slug:slug>/outputs/", views.output_list, name="output_list"),
    path("programmes/<slug:slug>/countries/<slug:country>/", views.country_page, name="country"),
    path("programmes/<slug:slug>/countries/<slug:country>/report.pdf", export_views.export, {"exporter": CountryPdf},
         name="country_pdf"),
    path("programmes/<slug:slug>/changes/", change_views.changes_page, name="changes"),
    path("programmes/<slug:slug>/reporting-workbook.xlsx", export_views.export, {"exporter": ReportingWorkbook},
         name="reporting_workbook_download"),
    path("programmes/<slug:slug>/exports/jobs/<str:job>/", export_views.export_job, name="export_job"),
    # outputs.csv, outputs.xlsx, outputs.json, history.csv, iati.xml, changes.xlsx, changes.pdf
    path("programmes/<slug:slug>/exports/<str:identifier>", export_views.export, name="export"),
    # Every programme the reader sees, and its files (portfolio.csv, portfolio.xlsx).
    path("programmes/", portfolio_views.portfolio, name="portfolio"),
    path("programmes/exports/<str:identifier>", portfolio_views.portfolio_export, name="portfolio_export"),
]
