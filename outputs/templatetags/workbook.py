"""Where pages link to the offline reporting workbook (outputs.workbook)."""

from django import template
from django.contrib.auth.models import User

from programme.access import ProgrammeAccess, user_grants
from programme.models import Country, Programme, Role

register = template.Library()


@register.simple_tag
def reported_programmes(user: User) -> list[Programme]:
    """The programmes the user reports on as an officer, each once, by code."""
    programmes = {grant.programme_id: grant.programme for grant in user_grants(user)
                  if grant.role == Role.OFFICER and grant.country_id}
    return sorted(programmes.values(), key=lambda programme: programme.code)


@register.filter
def reports_for(access: ProgrammeAccess, country: Country) -> bool:
    """Whether the reader reports on the country (a country page's officers)."""
    return access.can_report_on(country.pk)
