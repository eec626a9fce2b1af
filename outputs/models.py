import re

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programme.models import Outcome

CODE_RE = re.compile(r"^\d+(\.\d+)*$")


def natural_sort_key(code):
    """``1.2`` -> ``00001.00002`` so that text ordering in the database is natural (1.2 < 1.10)."""
    parts = re.findall(r"\d+", code or "")
    return ".".join(f"{int(part):05d}" for part in parts) or (code or "")


class OutputQuerySet(models.QuerySet):
    def with_repeated_code(self):
        """Annotate ``has_repeated_code``: another output of the same component shares the code."""
        same_code = Output.objects.filter(
            outcome__programme_id=OuterRef("outcome__programme_id"),
            outcome__country_id=OuterRef("outcome__country_id"),
            code=OuterRef("code"),
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(has_repeated_code=Exists(same_code))

    def in_natural_order(self):
        return self.order_by(
            "outcome__programme__code", "outcome__country__name", "sort_key", "position", "pk"
        )


class Output(models.Model):
    """An output of a country component, due on a deadline.

    Codes are not unique: a published list may number two different outputs 2.1. Both are kept
    and flagged as a data-quality warning (``OutputQuerySet.with_repeated_code``).
    """

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="outputs"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 1.1"))
    title = models.TextField(_("text"))
    deadline = models.DateField(_("deadline"))
    position = models.PositiveIntegerField(
        _("position in the published list"), default=0, db_index=True
    )
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["sort_key"])
    objects = OutputQuerySet.as_manager()

    class Meta:
        ordering = ["outcome__programme__code", "outcome__country__name", "sort_key", "position"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        indexes = [models.Index(fields=["deadline"], name="output_deadline_idx")]

    def __str__(self):
        return _("Output %(code)s") % {"code": self.code} + f" – {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.sort_key = natural_sort_key(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    @property
    def country(self):
        return self.outcome.country

    @property
    def programme(self):
        return self.outcome.programme
