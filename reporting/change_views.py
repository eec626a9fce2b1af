""""What changed" between two dates (``?from=YYYY-MM-DD&to=YYYY-MM-DD``, optionally ``&country=<code>``):
the page (reads in ``reporting.changes``); the same report as XLSX and PDF is ``report_exports``'.

Every reader sees approved data only, as the as-of reports do. Officers (without a wider role) see
the countries they report for, as in their exports, and are refused another country.
"""

from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import bad_query_page
from programme.access import ProgrammeAccess
from programme.models import Programme

from .report_exports import WhatChanged
from .selectors import ReportMoment
from .views import report_page


# Read-only, as the country page: outside the request transaction.
@transaction.non_atomic_requests
@report_page
def changes_page(request: HttpRequest, programme: Programme, access: ProgrammeAccess,
                 moment: ReportMoment) -> HttpResponse:
    with bad_query_page(**WhatChanged.way_back(programme, request.GET)):
        report = WhatChanged(programme, access, moment, request.GET, cast(User, request.user), request)
    return render(request, "reporting/changes.html", report.context())
