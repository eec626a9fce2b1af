import datetime
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

GLOBAL_COMPONENT_NAME = "Global"
GLOBAL_COMPONENT_SLUG = "global"
# The first day reports, as-of dates and updates may name in a programme without a start date: a
# floor that turns 0001-01-01 into a refusal saying why, with no query to find it.
EARLIEST_REPORT_DATE = datetime.date(2000, 1, 1)


def programme_slug(code: str) -> str:
    """``GLO/22/31/IRL`` -> ``glo-22-31-irl``: the programme's address in URLs."""
    return slugify(code.replace("/", "-").replace(".", "-"))


class RegionManager(models.Manager["Region"]):
    def get_by_natural_key(self, name: str) -> "Region":
        return self.get(name=name)


class Region(models.Model):
    """An ILO region (Africa, Americas, Arab States, Asia and the Pacific, Europe and Central Asia)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = RegionManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple:
        return (self.name,)


class CountryManager(models.Manager["Country"]):
    def get_by_natural_key(self, name: str) -> "Country":
        return self.get(name=name)


class Country(models.Model):
    """A country component. The programme-wide Global component is a row with no code and no region."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.CharField(
        _("ISO 3166 alpha-2 code"), max_length=2, unique=True, null=True, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries",
    )
    slug = models.SlugField(
        _("URL key"),
        max_length=150,
        unique=True,
        help_text=_("The lower-case ISO code, or 'global' for the Global component."),
    )

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.code:
            self.code = self.code.upper()
        if not self.slug:
            if self.code:
                self.slug = self.code.lower()
            elif self.name == GLOBAL_COMPONENT_NAME:
                self.slug = GLOBAL_COMPONENT_SLUG
            else:
                self.slug = slugify(self.name) or "component"
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple:
        return (self.name,)

    @property
    def is_global(self) -> bool:
        return self.slug == GLOBAL_COMPONENT_SLUG


class ProgrammeManager(models.Manager["Programme"]):
    def get_by_natural_key(self, code: str) -> "Programme":
        return self.get(code=code)


class Programme(models.Model):
    title = models.CharField(_("title"), max_length=300)
    code = models.CharField(_("code"), max_length=50, unique=True, help_text="e.g. GLO/22/31/IRL")
    slug = models.SlugField(_("URL key"), max_length=60, unique=True, editable=False)
    funding_partner = models.CharField(_("funding partner"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # Changed (to a new random value) in the same transaction as every write that changes what the
    # programme's pages show: cached pages are keyed by it (programme.services.programme_touch).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Set by `manage.py setup_demo` when it writes its made-up year of activity: every page of the
    # programme then says so.
    demo = models.BooleanField(
        _("demonstration data"), default=False,
        help_text=_("Its updates, reviews and edits are made up to show the tracker at work; every page says so."),
    )

    objects = ProgrammeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="programme_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.slug = programme_slug(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:programme_programme_change", args=[self.pk])

    def natural_key(self) -> tuple:
        return (self.code,)


def programme_earliest_date(programme: Programme) -> datetime.date:
    """The first day the programme's reports show and its updates may be as of: its start, else
    EARLIEST_REPORT_DATE."""
    return programme.start_date or EARLIEST_REPORT_DATE


class OutcomeManager(models.Manager["Outcome"]):
    def get_by_natural_key(self, programme_code: str, country_name: str, number: int) -> "Outcome":
        return self.get(
            programme__code=programme_code, country__name=country_name, number=number
        )


class Outcome(models.Model):
    """Outcome X of a country component: the parent of outputs X.1, X.2, ..."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="outcomes"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="outcomes"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500, blank=True)

    objects = OutcomeManager()

    class Meta:
        ordering = ["programme__code", "country__name", "number"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "number"], name="outcome_unique_per_component"
            )
        ]

    def __str__(self) -> str:
        label = _("Outcome %(number)s") % {"number": self.number}
        suffix = f": {self.title}" if self.title else ""
        return f"{self.country.name} – {label}{suffix}"

    def natural_key(self) -> tuple:
        return (self.programme.code, self.country.name, self.number)

    natural_key.dependencies = ["programme.programme", "programme.country"]  # type: ignore[attr-defined]


class Role(models.TextChoices):
    OFFICER = "officer", _("Country officer")
    COORDINATOR = "coordinator", _("Coordinator")
    DONOR = "donor", _("Donor")


class AccessGrant(models.Model):
    """Who may do what in a programme: officers per country, coordinators and donors programme-wide."""

    user = models.ForeignKey(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_grants"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="access_grants"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_grants",
        help_text=_("Officers: the country they report for. Leave empty for programme-wide roles."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("granted on"), auto_now_add=True)

    class Meta:
        ordering = ["programme__code", "user__username", "country__name"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "country"], name="grant_unique_per_country",
                violation_error_message=_("This person already has a grant for this programme and country."),
            ),
            # NULLs are distinct in a unique index, so programme-wide grants need their own.
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=models.Q(country__isnull=True),
                name="grant_unique_programme_wide",
                violation_error_message=_("This person already has a grant for the whole programme."),
            ),
        ]

    def __str__(self) -> str:
        where = self.country.name if self.country else _("programme-wide")
        return f"{self.user} – {self.get_role_display()} – {self.programme.code} ({where})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role == Role.OFFICER and not self.country_id:
            raise ValidationError({"country": _("An officer's grant names the country they report for.")})
        if self.role in (Role.COORDINATOR, Role.DONOR) and self.country_id:
            raise ValidationError({"country": _("Coordinators and donors work programme-wide: leave the country empty.")})
