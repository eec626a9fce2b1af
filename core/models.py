from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """What a person chose for themselves; the language follows them from device to device."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language of the pages and e-mails; empty: the browser's language."),
    )

    class Meta:
        # Created by the programme app, whose table it keeps.
        db_table = "programme_userpreference"
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user} – {self.language or '-'}"

