"""HTML to PDF with WeasyPrint, fetching the page's own static files from disk, never the network."""

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, base_url: str) -> bytes:
    """The page ``template`` as printed (``for_pdf``: without its forms, links and navigation), its
    links relative to ``base_url``. Rendered without a request, as the task worker renders it: the
    same document wherever it is built."""
    # Imported here: WeasyPrint takes over a second to import (its fonts and cffi), which every web
    # process, worker and command would otherwise pay at start-up whether it prints or not.
    import weasyprint

    from .pdf_fetcher import LocalStaticFetcher

    html = render_to_string(template, {**context, "for_pdf": True})
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=LocalStaticFetcher()).write_pdf()
