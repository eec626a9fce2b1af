"""The type of a request past login_required, for views' signatures (django-stubs' documented way):
its user is a User, never the anonymous one."""

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user where a view or the admin has let signed-in people only in."""
    return cast(User, request.user)
