from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Outputs and status updates")

    def ready(self) -> None:
        from . import navigation  # noqa: F401  (places in the header and at /)
