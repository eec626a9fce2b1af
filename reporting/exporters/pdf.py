"""HTML to PDF with WeasyPrint, fetching the page's own static files from disk, never the network."""

from urllib.parse import urlparse

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class LocalStaticFetcher(URLFetcher):
    """Serves /static/... from the app's files and refuses every other URL: rendering a report
    never makes a request, so it cannot hang on (or leak to) the network."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = urlparse(url).path
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        found = finders.find(path[len(prefix):]) if path.startswith(prefix) else None
        if not found:
            raise ValueError(f"Not fetched while rendering a PDF: {url}")
        with open(found, "rb") as handle:
            body = handle.read()
        mime = next((value for suffix, value in MIME_TYPES.items() if found.endswith(suffix)), "application/octet-stream")
        return URLFetcherResponse(url, body, {"Content-Type": mime})


def render_pdf(template: str, context: dict, base_url: str) -> bytes:
    """The page ``template`` as printed (``for_pdf``: without its forms, links and navigation), its
    links relative to ``base_url``. Rendered without a request, as the task worker renders it: the
    same document wherever it is built."""
    html = render_to_string(template, {**context, "for_pdf": True})
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=LocalStaticFetcher()).write_pdf()
