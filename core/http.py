"""The type of a request past login_required, for views' signatures (django-stubs' documented way):
its user is a User, never the anonymous one."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
