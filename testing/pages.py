"""What a page answered the test client: its HTML, and the messages it shows the person."""

from django.contrib.messages import get_messages
from django.http import HttpResponse


def text_of(response: HttpResponse) -> str:
    """The page's HTML, as text."""
    return response.content.decode()


def messages_of(response: HttpResponse) -> list[str]:
    """The messages the request added (success, refusal), as the next page shows them."""
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def main_of(html: str) -> str:
    """The page's <main>: the shell around it (CSRF tokens) differs from request to request."""
    return html.split("<main")[1].split("</main>")[0]
