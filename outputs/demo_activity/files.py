"""The demo's evidence files, made when the demo is written (nothing binary is committed): a short
PDF report drawn by WeasyPrint and a PNG bar chart drawn by Pillow, both genuine files of their
type, so that the evidence checks accept them and readers can open them."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from .texts import CHART_FILES, REPORT_FILES

REPORT_CSS = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: sans-serif; font-size: 11pt; color: #1b2430; }
h1 { font-size: 18pt; color: #1d4e89; margin: 0 0 4pt; }
.meta { color: #5a6573; margin: 0 0 14pt; }
table { border-collapse: collapse; margin-top: 10pt; }
td { border-bottom: 1px solid #d6dce4; padding: 4pt 14pt 4pt 0; }
"""


def report_pdf(language: str, *, programme_code: str, component: str, day: datetime.date) -> SimpleUploadedFile:
    """A one-page report in the officer's language."""
    from weasyprint import HTML  # loads Pango: only when a report is made

    name, heading, paragraphs, rows = REPORT_FILES[language]
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    table = "".join(f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>" for label, value in rows)
    html = (
        f"<html lang='{language}'><head><style>{REPORT_CSS}</style></head><body>"
        f"<h1>{escape(heading)}</h1><p class='meta'>{escape(programme_code)} · {escape(component)} · "
        f"{day.isoformat()}</p>{body}<table>{table}</table></body></html>"
    )
    return SimpleUploadedFile(name, HTML(string=html).write_pdf(), content_type="application/pdf")


def chart_png(country: str) -> SimpleUploadedFile:
    """A bar chart of the component's figures."""
    name, heading, bars = CHART_FILES[country]
    width, height, margin = 800, 450, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title_font, label_font = ImageFont.load_default(size=24), ImageFont.load_default(size=15)
    draw.text((margin, 20), heading, fill="#1b2430", font=title_font)
    top, bottom = 80, height - 50
    slot = (width - 2 * margin) // len(bars)
    largest = max(value for _label, value in bars)
    for index, (label, value) in enumerate(bars):
        left = margin + index * slot + slot // 6
        right = left + slot * 2 // 3
        bar_top = bottom - (bottom - top - 20) * value // largest
        draw.rectangle((left, bar_top, right, bottom), fill="#1d4e89")
        draw.text(((left + right) // 2, bar_top - 4), str(value), fill="#1b2430", font=label_font, anchor="mb")
        draw.text(((left + right) // 2, bottom + 8), label, fill="#5a6573", font=label_font, anchor="mt")
    draw.line((margin, bottom, width - margin, bottom), fill="#5a6573", width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
