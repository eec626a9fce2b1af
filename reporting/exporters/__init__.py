"""The donor exports, one module per format: ``csv``, ``xlsx``, ``json``, ``iati`` and ``pdf``.

Each format writes the rows of one selector (``reporting.selectors.export_rows`` or
``approved_history``; ``reporting.portfolio``'s rows) after the step every format shares, here:
``output_rows``, ``history_rows`` and ``portfolio_rows`` turn a selector's row into what a reader sees (status labels, yes/no, days to deadline,
approval times in the site's time zone). Dates and numbers stay dates and numbers.

Everything a reader sees is written in the active language, headings included: call these while
it is active (a row generator reads its labels when its first row is taken).
"""

import datetime
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext

from outputs.models import is_overdue
from outputs.vocabulary import name_from, status_labels

if TYPE_CHECKING:
    from ..portfolio import PortfolioRow

OUTPUT_COLUMNS = [
    ("programme", gettext_lazy("Programme code")),
    ("country", gettext_lazy("Country")),
    ("iso", gettext_lazy("ISO code")),
    ("outcome", gettext_lazy("Outcome")),
    ("code", gettext_lazy("Output code")),
    ("text", gettext_lazy("Output text")),
    ("deadline", gettext_lazy("Deadline")),
    ("status", gettext_lazy("Status")),
    ("progress", gettext_lazy("Progress %")),
    ("status_date", gettext_lazy("Status date")),
    ("narrative", gettext_lazy("Latest approved narrative")),
    ("overdue", gettext_lazy("Overdue")),
    ("days_to_deadline", gettext_lazy("Days to deadline")),
    ("evidence", gettext_lazy("Evidence count")),
    ("last_updated", gettext_lazy("Last updated")),
]
OUTPUT_KEYS = [key for key, _label in OUTPUT_COLUMNS]
HISTORY_COLUMNS = [
    gettext_lazy("Country"), gettext_lazy("Output code"), gettext_lazy("As of"), gettext_lazy("Status"),
    gettext_lazy("Progress %"), gettext_lazy("Narrative"), gettext_lazy("Reported by"), gettext_lazy("Approved by"),
    gettext_lazy("Approved at"),
]


def output_header() -> list[str]:
    """The headings of ``output_rows``' columns, in the active language."""
    return [str(label) for _key, label in OUTPUT_COLUMNS]


def history_header() -> list[str]:
    """The headings of ``history_rows``' columns, in the active language."""
    return [str(label) for label in HISTORY_COLUMNS]


def yes_no(value: bool) -> str:
    return pgettext("export cell", "yes") if value else pgettext("export cell", "no")


def output_rows(rows: Iterable[tuple], today: datetime.date) -> Iterator[tuple]:
    """Rows of ``selectors.export_rows`` as the export shows them, in ``OUTPUT_COLUMNS`` order."""
    labels = status_labels()
    yes, no = yes_no(True), yes_no(False)
    zone = timezone.get_current_timezone()
    for (programme, country, iso, outcome, code, text, deadline, status, progress, status_date,
         narrative, evidence, approved_at) in rows:
        yield (
            programme, country, iso or "", outcome, code, text, deadline, labels.get(status, status), progress,
            status_date, narrative or "", yes if is_overdue(deadline, status, today) else no,
            (deadline - today).days, evidence, approved_at and approved_at.astimezone(zone),
        )


def history_rows(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows of ``selectors.approved_history`` as the export shows them, in ``history_header()`` order."""
    labels = status_labels()
    zone = timezone.get_current_timezone()
    for country, code, as_of, status, progress, narrative, *names, approved_at in rows:
        yield (country, code, as_of, labels.get(status, status), progress, narrative, name_from(*names[:3]),
               name_from(*names[3:]), approved_at and approved_at.astimezone(zone))


# The portfolio's columns (reporting.portfolio): "waiting" only for readers who see review data.
PORTFOLIO_COLUMNS = [
    ("programme", gettext_lazy("Programme code")),
    ("title", gettext_lazy("Programme title")),
    ("partner", gettext_lazy("Funding partner")),
    ("countries", gettext_lazy("Country components")),
    ("outputs", gettext_lazy("Outputs")),
    ("achieved", gettext_lazy("Achieved")),
    ("achieved_share", gettext_lazy("Achieved %")),
    ("overdue", gettext_lazy("Overdue")),
    ("due_soon", gettext_lazy("Due soon")),
    ("waiting", gettext_lazy("Waiting for review")),
    ("last_approved", gettext_lazy("Last approved update")),
]


def portfolio_columns(review: bool) -> list[tuple[str, str]]:
    """(key, heading) of ``portfolio_rows``' columns in the active language; ``review``: with "waiting"."""
    return [(key, str(label)) for key, label in PORTFOLIO_COLUMNS if review or key != "waiting"]


def portfolio_rows(rows: Iterable["PortfolioRow"], review: bool) -> Iterator[tuple]:
    """The portfolio's rows as the export shows them, in ``portfolio_columns(review)`` order: a row that
    counts some components only (an officer's countries) names them with its scope."""
    for row in rows:
        programme, figures = row.programme, row.figures
        countries = row.scope or ", ".join(component.name for component in row.held)
        yield (
            programme.code, programme.title, programme.funding_partner, countries, figures.outputs, figures.achieved,
            figures.achieved_share, figures.overdue, figures.due_soon, *([row.waiting] if review else []),
            figures.last_approved,
        )
