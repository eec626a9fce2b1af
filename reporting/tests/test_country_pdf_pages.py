"""The country PDF lays its outcomes out one after the other, not one a page: Malawi's twelve outputs,
each with an approved narrative and a link, fit on three A4 pages."""

import io

import pytest
from pypdf import PdfReader

from outputs.models import Output
from testing.workflow import approve, save_update

pytestmark = pytest.mark.any_database  # see pytest.ini

URL = "/programmes/glo-22-31-irl/countries/mw/report.pdf"
NARRATIVE = ("The ministry validated the draft in March; the tripartite committee meets again in June to adopt "
             "it. Two districts have started the pilot, and the budget line was confirmed by the treasury.")


def test_malawi_fits_on_three_pages(users, client_for, tmp_media):
    for output in Output.objects.filter(outcome__country__code="MW"):
        approve(save_update(output, users.officer_mw, status="at_risk", progress=45, narrative=NARRATIVE,
                            links=["https://example.org/progress-report"]), users.coordinator)
    response = client_for(users.donor).get(URL)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # lines joined
    assert all(f"Output {code}" in text for code in ["1.1", "1.6", "2.2", "2.3", "3.1", "3.4"])
    assert text.count("budget line was confirmed") == 12
    assert len(reader.pages) <= 3, f"{len(reader.pages)} pages"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4
