from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme structure")

    def ready(self):
        from . import languages  # noqa: F401  (connects the login receiver)
        from . import audit, middleware  # noqa: F401  (login audit receivers; session start stamp)
        from . import signals  # noqa: F401  (new data versions for direct saves)
