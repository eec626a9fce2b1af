"""The portfolio: every programme a reader may see with its outputs' figures as they stand now, for the
page (/programmes/), its downloads and the API's programmes, filtered by funding partner and country
and sorted by any column.

The figures are counted by the database in one grouped query, however many programmes: the outputs by
programme and component, with the rules of the programme overview (reporting.selectors), and their
latest approval. They are kept in the fragments cache under the programmes' data versions
(core.caching), so a write to one programme makes only the sets holding it count again.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.caching import cached_for_programmes
from core.errors import BadQuery
from outputs.models import Output, ReviewState, Status, StatusUpdate
from programme.access import ProgrammeAccess, access_by_programme, reader_programmes, scope_text
from programme.models import GLOBAL_COMPONENT_SLUG, Programme

from .selectors import annotated_now, due_soon_q, overdue_q


@dataclass(frozen=True)
class Figures:
    """A programme's outputs now, or those of some of its components: how many, achieved (reported
    status), overdue, due soon (settings.DUE_SOON_DAYS), submitted and waiting for review, and the day
    the latest update was approved."""

    outputs: int = 0
    achieved: int = 0
    overdue: int = 0
    due_soon: int = 0
    waiting: int = 0
    last_approved: datetime.date | None = None

    def __add__(self, other: "Figures") -> "Figures":
        days = [day for day in (self.last_approved, other.last_approved) if day]
        return Figures(self.outputs + other.outputs, self.achieved + other.achieved, self.overdue + other.overdue,
                       self.due_soon + other.due_soon, self.waiting + other.waiting, max(days, default=None))

    @property
    def achieved_share(self) -> int:
        return round(100 * self.achieved / self.outputs) if self.outputs else 0


@dataclass(frozen=True)
class Component:
    """A country component of a programme with its figures."""

    country_id: int
    slug: str
    name: str
    figures: Figures


def total(figures: Iterable[Figures]) -> Figures:
    return sum(figures, Figures())


def programme_figures(programmes: list[Programme]) -> dict[int, list[Component]]:
    """{programme id: its components with their figures, countries by name and the Global one last},
    from the cache or counted in one grouped query."""

    def count() -> dict[int, list[Component]]:
        today = timezone.localdate()
        ids = [programme.pk for programme in programmes]
        # Each output's latest approval, found through its updates' (output, state, approval) index.
        approved = StatusUpdate.objects.filter(output=OuterRef("pk"), review_state=ReviewState.APPROVED)
        latest = approved.order_by("-reviewed_at").values("reviewed_at")[:1]
        counted = (
            annotated_now(Output.objects.filter(outcome__programme_id__in=ids))
            .values("outcome__programme_id", "outcome__country_id", "outcome__country__slug", "outcome__country__name")
            .annotate(
                outputs=Count("pk"),
                achieved=Count("pk", filter=Q(reported_status=Status.ACHIEVED)),
                overdue=Count("pk", filter=overdue_q(today)),
                due_soon=Count("pk", filter=due_soon_q(today)),
                # Through the outputs' pending pointers, as the header's review-queue count.
                waiting=Count("pk", filter=Q(pending_update__review_state=ReviewState.SUBMITTED)),
                last=Max(Subquery(latest)),
            )
            .order_by()
        )
        components = defaultdict(list)
        for row in counted:
            last = row["last"]
            components[row["outcome__programme_id"]].append(Component(
                row["outcome__country_id"], row["outcome__country__slug"], row["outcome__country__name"],
                Figures(row["outputs"], row["achieved"], row["overdue"], row["due_soon"], row["waiting"],
                        last and timezone.localtime(last).date()),
            ))
        return {pk: sorted(found, key=lambda c: (c.slug == GLOBAL_COMPONENT_SLUG, c.name))
                for pk, found in components.items()}

    return cached_for_programmes("portfolio", [(p.pk, p.data_version) for p in programmes], count)


@dataclass(frozen=True)
class PortfolioRow:
    """A programme as the portfolio shows it to a reader."""

    programme: Programme
    access: ProgrammeAccess
    components: list[Component]  # every component of the programme
    figures: Figures  # those of the components the row counts (``held``)
    held: list[Component]
    scope: str | None = None  # what the row says when it counts some components only (the reader's)

    @property
    def waiting(self) -> int | None:
        """Waiting for review, for readers who see review data there (ProgrammeAccess.sees_pending)."""
        return self.figures.waiting if self.access.sees_pending else None


# The portfolio's orders (``?sort=``; "-" before a key reverses it), ties by programme code. Counts and
# dates are offered largest or latest first (the column headings' first click).
SORTS: dict[str, Callable[[PortfolioRow], Any]] = {
    "programme": lambda row: row.programme.code,
    "partner": lambda row: row.programme.funding_partner.casefold(),
    "outputs": lambda row: row.figures.outputs,
    "achieved": lambda row: row.figures.achieved_share,
    "overdue": lambda row: row.figures.overdue,
    "due_soon": lambda row: row.figures.due_soon,
    "waiting": lambda row: -1 if row.waiting is None else row.waiting,
    "last_approved": lambda row: row.figures.last_approved or datetime.date.min,
}
DESCENDING_FIRST = frozenset({"outputs", "achieved", "overdue", "due_soon", "waiting", "last_approved"})


class PortfolioFilter(forms.Form):
    """The portfolio's query, for the page, its downloads and the API: the choices are the reader's own."""

    partner = forms.ChoiceField(label=gettext_lazy("Funding partner"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False,
                             choices=[(key, key) for name in SORTS for key in (name, f"-{name}")])

    def __init__(self, data: Mapping, *, partners: list[str], countries: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.choice_field("partner").choices = [("", _("All partners")), *((partner, partner) for partner in partners)]
        self.choice_field("country").choices = [("", _("All countries")), *countries]
        self.country_names = dict(countries)

    def choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


@dataclass
class Portfolio:
    """What portfolio_read found: the rows asked for and the query that chose them."""

    rows: list[PortfolioRow]  # filtered and sorted
    form: PortfolioFilter
    order: str
    listed: int  # the reader's programmes, before the filters
    shows_review: bool = field(init=False)  # the reader sees review data in a programme listed

    def __post_init__(self) -> None:
        self.shows_review = any(row.access.sees_pending for row in self.rows)

    @property
    def totals(self) -> Figures:
        return total(row.figures for row in self.rows)

    @property
    def waiting(self) -> int:
        return sum(row.waiting or 0 for row in self.rows)

    def filters_text(self) -> str:
        """The filters applied, as the form names them: "Funding partner: Ireland; Country: Malawi"."""
        partner, country, fields = self.form.cleaned_data["partner"], self.form.cleaned_data["country"], self.form.fields
        parts = [*([f"{fields['partner'].label}: {partner}"] if partner else []),
                 *([f"{fields['country'].label}: {self.form.country_names[country]}"] if country else [])]
        return "; ".join(parts) or _("none")


def portfolio_read(user: User, query: Mapping, *, programmes: list[Programme] | None = None,
                   export: bool = False) -> Portfolio:
    """The programmes ``user`` may see (``programmes``: some of them), with their figures, filtered and
    sorted as ``query`` asks (``partner``, ``country``, ``sort``); BadQuery naming what does not
    validate. Rows count every component, as the programme overview does; with ``export``, the
    components the reader may export (ProgrammeAccess.export_country_ids), saying so."""
    programmes = reader_programmes(user) if programmes is None else programmes
    figures = programme_figures(programmes)
    accesses = access_by_programme(user, programmes)
    rows = []
    for programme in programmes:
        access, components = accesses[programme.pk], figures.get(programme.pk, [])
        ids = access.export_country_ids if export else None
        held = components if ids is None else [component for component in components if component.country_id in ids]
        scope = None if ids is None else scope_text([component.name for component in held])
        rows.append(PortfolioRow(programme, access, components, total(c.figures for c in held), held, scope))
    countries = {(c.slug, c.name) for row in rows for c in row.components}
    form = PortfolioFilter(
        query, partners=sorted({p.funding_partner for p in programmes if p.funding_partner}, key=str.casefold),
        countries=sorted(countries, key=lambda country: (country[0] == GLOBAL_COMPONENT_SLUG, country[1])),
    )
    if not form.is_valid():  # "Country: Select a valid choice. xx is not one of the available choices."
        raise BadQuery("; ".join(f"{form.fields[name].label}: {error}" for name, errors in form.errors.items()
                                 for error in errors))
    partner, country, order = (form.cleaned_data[name] for name in ("partner", "country", "sort"))
    shown = [row for row in rows if (not partner or row.programme.funding_partner == partner)
             and (not country or any(c.slug == country for c in row.components))]
    order = order or "programme"
    # Stable sorts: by code, then by the column asked for, its ties left in code order.
    shown.sort(key=SORTS["programme"])
    shown.sort(key=SORTS[order.removeprefix("-")], reverse=order.startswith("-"))
    return Portfolio(shown, form, order, listed=len(rows))
