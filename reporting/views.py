from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from outputs.selectors import review_queue
from programme.access import primary_role
from programme.models import Role

from .navigation import home_programme


@login_required
def home(request):
    """Send each person where they work."""
    role = primary_role(request.user)
    programme = home_programme(request.user)
    if role == Role.OFFICER:
        return redirect("outputs:my_outputs")
    if role == Role.COORDINATOR:
        if programme is None or review_queue([programme.pk]).exists():
            return redirect("outputs:review_queue")
        return redirect("reporting:dashboard", slug=programme.slug)
    if role == Role.DONOR and programme is not None:
        return redirect("reporting:programme_overview", slug=programme.slug)
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "reporting/no_access.html", status=403)


def programme_overview(request, slug):
    raise NotImplementedError


dashboard = output_list = country_page = programme_overview
