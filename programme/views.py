"""The language switcher: Django's set_language, plus the choice kept on the person's account."""

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core.languages import remember_in_session

from . import services


@require_POST
def language_set(request):
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        remember_in_session(request, language)
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
    return response
