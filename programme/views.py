"""What every programme page starts from: the programme at its URL key and the reader's access."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from core.navigation import breadcrumbs, place_in_programme

from .access import ProgrammeAccess, programme_access_or_404, user_grants
from .models import Programme
from .selectors import programme_by_slug


def programme_for(request: HttpRequest, slug: str) -> tuple[Programme, ProgrammeAccess]:
    """The programme and the reader's access to it; 404 without a grant."""
    # Usually one of the reader's grants names it: no query of its own (these pages are read often).
    programme = next((g.programme for g in user_grants(request.user) if g.programme.slug == slug), None)
    programme = programme or programme_by_slug(slug)
    if programme is None:
        raise Http404("No such programme.")
    return programme, programme_access_or_404(request.user, programme)


def programme_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view of one programme, called as ``view(request, programme, access, **kwargs)``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponseBase:
        programme, access = programme_for(request, slug)
        place_in_programme(request, programme)
        return view(request, programme, access, **kwargs)

    return wrapper


def programme_breadcrumbs(programme: Programme, *trail: tuple[str, str] | str) -> list[dict[str, str]]:
    """The trail of a page in a programme: the programme (its overview), then ``trail``."""
    return breadcrumbs((programme.code, reverse("reporting:programme_overview", args=[programme.slug])), *trail)
