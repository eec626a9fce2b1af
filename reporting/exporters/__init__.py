"""The donor exports, one module per format: ``csv``, ``xlsx``, ``json``, ``iati`` and ``pdf``.

Each format writes the rows of one selector (``reporting.selectors.export_rows`` or
``approved_history``) after the step every format shares, here: ``output_rows`` and ``history_rows``
turn a selector's plain row into what a reader sees (status labels, yes/no, days to deadline,
approval times in the site's time zone). Dates and numbers stay dates and numbers.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from outputs.models import Status, is_overdue

OUTPUT_COLUMNS = [
    ("programme", "Programme code"),
    ("country", "Country"),
    ("iso", "ISO code"),
    ("outcome", "Outcome"),
    ("code", "Output code"),
    ("text", "Output text"),
    ("deadline", "Deadline"),
    ("status", "Status"),
    ("progress", "Progress %"),
    ("status_date", "Status date"),
    ("narrative", "Latest approved narrative"),
    ("overdue", "Overdue"),
    ("days_to_deadline", "Days to deadline"),
    ("evidence", "Evidence count"),
    ("last_updated", "Last updated"),
]
OUTPUT_KEYS = [key for key, _label in OUTPUT_COLUMNS]
OUTPUT_HEADER = [label for _key, label in OUTPUT_COLUMNS]
HISTORY_HEADER = ["Country", "Output code", "As of", "Status", "Progress %", "Narrative", "Reported by",
                  "Approved by", "Approved at"]


def _status_labels() -> dict[str | None, str]:
    labels = {key: str(label) for key, label in Status.choices}
    labels[None] = str(_("Not reported"))
    return labels


def output_rows(rows: Iterable[tuple], today: datetime.date) -> Iterator[tuple]:
    """Rows of ``selectors.export_rows`` as the export shows them, in ``OUTPUT_COLUMNS`` order."""
    labels = _status_labels()
    zone = timezone.get_current_timezone()
    for (programme, country, iso, outcome, code, text, deadline, status, progress, status_date,
         narrative, evidence, approved_at) in rows:
        yield (
            programme, country, iso or "", outcome, code, text, deadline, labels.get(status, status), progress,
            status_date, narrative or "", "yes" if is_overdue(deadline, status, today) else "no",
            (deadline - today).days, evidence, approved_at and approved_at.astimezone(zone),
        )


def history_rows(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows of ``selectors.approved_history`` as the export shows them, in ``HISTORY_HEADER`` order."""
    labels = _status_labels()
    zone = timezone.get_current_timezone()
    for country, code, as_of, status, progress, narrative, author, reviewer, approved_at in rows:
        yield (country, code, as_of, labels.get(status, status), progress, narrative, author, reviewer,
               approved_at and approved_at.astimezone(zone))
