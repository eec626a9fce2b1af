"""The fetcher WeasyPrint reads a PDF's static files through (imported with WeasyPrint, when printing)."""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
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

