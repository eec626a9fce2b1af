"""The country PDF lays its outcomes out one after the other, not one a page: Malawi's twelve outputs,
with the narratives and evidence of a year's reporting, fit on three A4 pages."""

import io

from pypdf import PdfReader

URL = "/programmes/glo-22-31-irl/countries/mw/report.pdf"


def test_malawi_fits_on_three_pages(reported, users, client_for):
    response = client_for(users.coordinator).get(URL)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(f"Output {code}" in text for code in ["1.1", "1.6", "2.2", "3.4"])
    assert "Budget released." in text and "Plan adopted by cabinet." in text
    assert len(reader.pages) <= 3, f"{len(reader.pages)} pages"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4
