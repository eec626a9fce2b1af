"""The offline reporting workbook's download (``/programmes/<slug>/reporting-workbook.xlsx``); its
upload, preview and confirmation are outputs.workbook_views."""

from django.http import FileResponse
from django.utils import timezone

from outputs.services.workbook import reporting_workbook_write
from outputs.workbook_views import (
    BadCountry,
    _check_workbook_reader,
    _page,
    _workbook_countries,
)

from .exporters.xlsx import CONTENT_TYPE as XLSX_TYPE
from .views import report_page


@report_page
def reporting_workbook_download(request, programme, access, moment):
    """The workbook to fill in offline, in the reader's language."""
    _check_workbook_reader(programme, access)
    try:
        countries = _workbook_countries(programme, access, (request.GET.get("country") or "").strip().lower())
    except BadCountry as error:
        return _page(request, programme, access, status=400, refusal=str(error))
    scope = "-".join(country.slug for country in countries) if len(countries) <= 3 else "all"
    filename = f"{programme.slug}-{scope}-reporting-workbook-{timezone.localdate().isoformat()}.xlsx"
    handle = reporting_workbook_write(programme=programme, access=access, countries=countries)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
