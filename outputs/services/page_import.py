"""Programmes and their outputs created or brought up to date from a published outputs page.

``outputs_import_page`` writes, in one transaction; ``outputs_import_page_preview`` tells what it
would write by running the same code in a transaction it rolls back, so that the preview and the
import cannot disagree on a rule. A preview's report carries a digest of everything it found: an
import given that digest is refused (ImportPlanChanged, nothing written) when the database changed
since the preview, so that what is imported is what the preview showed.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from programme.access import require_page_import
from programme.models import Outcome, Programme
from programme.services import (
    country_resolve,
    outcome_get_or_create,
    programme_get_or_create,
    programme_touch,
)

from ..models import (
    Output,
    history_by,
    natural_sort_key,
)
from ..page_parser import QUIRKS, ParsedOutput, ParsedPage, Quirk

# The reason every output's history gives for a change made by the import.
IMPORT_REASON = "Imported from the outputs page"


@dataclass
class OutputRow:
    """An output of the page and what the import does with it: ``new``, ``changed`` or ``unchanged``
    (``before``: the stored values of the fields the page changes)."""

    code: str
    outcome_number: int
    title: str
    deadline: datetime.date
    line_number: int
    action: str
    before: dict = field(default_factory=dict)


@dataclass
class ComponentReport:
    name: str  # the country's name as stored; ``heading`` as the page spells it
    heading: str
    line_number: int
    country_created: bool = False
    rows: list[OutputRow] = field(default_factory=list)
    new_outcomes: set[int] = field(default_factory=set)

    def outcomes(self) -> list[tuple[int, bool, list[OutputRow]]]:
        """(number, whether the import creates it, its outputs in natural order: 1.2 before 1.10)."""
        by_number: dict[int, list[OutputRow]] = defaultdict(list)
        for row in self.rows:
            by_number[row.outcome_number].append(row)
        return [
            (number, number in self.new_outcomes,
             sorted(rows, key=lambda row: (natural_sort_key(row.code), row.line_number)))
            for number, rows in sorted(by_number.items())
        ]


@dataclass
class KeptOutput:
    """A stored output the page no longer lists: kept, for its history."""

    country: str
    code: str
    title: str


@dataclass
class ImportReport:
    programme: Programme
    programme_created: bool = False
    programme_changes: dict[str, tuple] = field(default_factory=dict)
    per_component: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    components: list[ComponentReport] = field(default_factory=list)
    kept: list[KeptOutput] = field(default_factory=list)
    quirks: list[Quirk] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(row.action == action for component in self.components for row in component.rows)

    @property
    def created(self) -> int:
        return self._count("new")

    @property
    def updated(self) -> int:
        return self._count("changed")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def component_names(self) -> str:
        return ", ".join(component.name for component in self.components)

    @property
    def output_count(self) -> int:
        return sum(len(component.rows) for component in self.components)

    def quirk_groups(self) -> list[tuple[str, int, str]]:
        """(what the parser tolerated, how many times, on which lines) for each kind found."""
        lines: dict[str, list[int]] = defaultdict(list)
        for quirk in self.quirks:
            lines[quirk.kind].append(quirk.line_number)
        return [(str(QUIRKS[kind]), len(numbers), ", ".join(map(str, numbers))) for kind, numbers in lines.items()]

    @property
    def programme_updated(self) -> bool:
        return bool(self.programme_changes)

    @property
    def changed_anything(self) -> bool:
        return bool(self.programme_created or self.programme_changes or self.created or self.updated)

    @property
    def digest(self) -> str:
        """A fingerprint of everything the import found, to tell whether the database changed since."""
        found = {
            "programme": [self.programme_created, {name: [str(a), str(b)] for name, (a, b) in self.programme_changes.items()}],
            "components": [
                [c.name, c.country_created, sorted(c.new_outcomes),
                 [[r.code, r.line_number, r.action, r.title, str(r.deadline), {k: str(v) for k, v in r.before.items()}]
                  for r in c.rows]]
                for c in self.components
            ],
            "kept": [[k.country, k.code, k.title] for k in self.kept],
        }
        return hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()


class ImportPlanChanged(Exception):
    """The database changed since the preview: nothing was imported; ``report`` is a new preview."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__("The database changed since the preview.")


def _pair_repeated(existing: list[Output], incoming: list[ParsedOutput]) -> tuple[list, list[Output]]:
    """Match the page's outputs to stored ones sharing a code: same text first, then list order."""
    pairs: list[tuple[ParsedOutput, Output | None]] = []
    unmatched_existing = list(existing)
    unmatched_incoming = []
    for parsed in incoming:
        same_text = next((o for o in unmatched_existing if o.title == parsed.title), None)
        if same_text is not None:
            unmatched_existing.remove(same_text)
            pairs.append((parsed, same_text))
        else:
            unmatched_incoming.append(parsed)
    unmatched_existing.sort(key=lambda output: output.position)
    for parsed in unmatched_incoming:
        pairs.append((parsed, unmatched_existing.pop(0) if unmatched_existing else None))
    return pairs, unmatched_existing


def _write_output(parsed: ParsedOutput, output: Output | None, outcome: Outcome, user: User | None) -> tuple[OutputRow, bool]:
    """Create the output, or bring it up to date: the row says which, with the values replaced, and
    whether anything was written (a new place in the list alone is written, not reported)."""
    row = OutputRow(code=parsed.code, outcome_number=parsed.outcome_number, title=parsed.title,
                    deadline=parsed.deadline, line_number=parsed.line_number, action="new")
    if output is None:
        output = Output(outcome=outcome, code=parsed.code, title=parsed.title, deadline=parsed.deadline,
                        position=parsed.position)
        changed: list[str] = []
    else:
        wanted = {"title": parsed.title, "deadline": parsed.deadline, "position": parsed.position}
        changed = [name for name, value in wanted.items() if getattr(output, name) != value]
        row.before = {name: getattr(output, name) for name in changed if name != "position"}
        row.action = "changed" if row.before else "unchanged"
        if not changed:
            return row, False
        for name in changed:
            setattr(output, name, wanted[name])
        output.revision += 1  # a form opened before the import is refused, not saved over it
    # Who and why, for the output's history (django-simple-history reads them as it saves).
    history_by(output, user, IMPORT_REASON)
    output.save(update_fields=[*changed, "revision"] if changed else None)
    return row, True


def _import(
    *, page: ParsedPage, code: str, funding_partner: str | None, start_date: datetime.date | None,
    end_date: datetime.date | None, user: User | None, progress: Callable[[int, int], None] | None,
) -> ImportReport:
    # The programme's row first (one lock order with every other writer), then the refusal.
    locked = Programme.objects.select_for_update().filter(code=code).first()
    if user is not None:
        require_page_import(user, locked)
    programme, created, changes = programme_get_or_create(
        code=code, title=page.title, funding_partner=funding_partner, start_date=start_date, end_date=end_date
    )
    report = ImportReport(programme=programme, programme_created=created, programme_changes=changes,
                          quirks=list(page.quirks))
    wrote = report.changed_anything

    existing = defaultdict(list)
    for output in Output.objects.filter(outcome__programme=programme).select_related("outcome__country"):
        existing[(output.outcome.country_id, output.code)].append(output)

    total, done = page.output_count, 0
    for component in page.components:
        resolution = country_resolve(component.name)
        country = resolution.country
        if resolution.warning:
            report.warnings.append(_("line %(number)s: %(message)s") % {
                "number": component.line_number, "message": resolution.warning})
        report.per_component[country.name] = report.per_component.get(country.name, 0) + len(component.outputs)
        found = ComponentReport(name=country.name, heading=component.name, line_number=component.line_number,
                                country_created=resolution.created)
        report.components.append(found)

        by_code = defaultdict(list)
        for parsed in component.outputs:
            by_code[parsed.code].append(parsed)

        for output_code, incoming in by_code.items():
            if len(incoming) > 1:
                report.warnings.append(_(
                    "%(country)s: code %(code)s is used by %(count)s different outputs (lines %(lines)s); all are "
                    "kept. Check the published numbering."
                ) % {"country": country.name, "code": output_code, "count": len(incoming),
                     "lines": ", ".join(str(parsed.line_number) for parsed in incoming)})
            key = (country.id, output_code)
            # What stays unmatched is no longer on the page (a code the page now lists fewer times, or
            # a component the page names twice cannot claim the same output twice).
            pairs, existing[key] = _pair_repeated(existing.get(key, []), incoming)
            for parsed, output in pairs:
                outcome, outcome_created = outcome_get_or_create(
                    programme=programme, country=country, number=parsed.outcome_number
                )
                if outcome_created:
                    found.new_outcomes.add(parsed.outcome_number)
                row, saved = _write_output(parsed, output, outcome, user)
                found.rows.append(row)
                wrote = wrote or saved
                done += 1
                if progress:
                    progress(done, total)

    for output in sorted((o for outputs in existing.values() for o in outputs), key=lambda o: o.position):
        report.kept.append(KeptOutput(output.outcome.country.name, output.code, output.title))
        report.warnings.append(
            _("%(country)s Output %(code)s is no longer on the page; it was kept.")
            % {"country": output.outcome.country.name, "code": output.code}
        )
    if wrote:  # cached pages of the programme go stale with the import, in its transaction
        programme_touch(programme.pk)
    return report


def outputs_import_page(
    *, page: ParsedPage, code: str, funding_partner: str | None = None, start_date: datetime.date | None = None,
    end_date: datetime.date | None = None, user: User | None = None,
    progress: Callable[[int, int], None] | None = None, expected_digest: str | None = None,
) -> ImportReport:
    """Create or update a programme's outputs from a parsed outputs page, in one transaction.

    Outputs are matched on programme, country and code, and on text where a code repeats; a
    re-import of the same page changes nothing. Outputs missing from the page are kept (their
    history matters) and reported. ``user`` (None: the command line) must be allowed by
    require_page_import and is recorded in the outputs' history and the audit log. With
    ``expected_digest`` (a preview's), raises ImportPlanChanged if the import would differ from it.
    """
    with transaction.atomic():
        report = _import(page=page, code=code, funding_partner=funding_partner, start_date=start_date,
                         end_date=end_date, user=user, progress=progress)
        if expected_digest is not None and report.digest != expected_digest:
            raise ImportPlanChanged(report)
        transaction.on_commit(partial(
            audit, "outputs_page_imported", user=user, programme=code,
            programme_created="yes" if report.programme_created else "no",
            created=report.created, updated=report.updated, unchanged=report.unchanged,
        ), robust=True)
    return report


def outputs_import_page_preview(
    *, page: ParsedPage, code: str, funding_partner: str | None = None, start_date: datetime.date | None = None,
    end_date: datetime.date | None = None, user: User | None = None,
) -> ImportReport:
    """What outputs_import_page would do, found by doing it in a transaction rolled back: nothing
    stays written. The refusals are the import's (PermissionDenied, ValidationError)."""
    with transaction.atomic():
        report = _import(page=page, code=code, funding_partner=funding_partner, start_date=start_date,
                         end_date=end_date, user=user, progress=None)
        transaction.set_rollback(True)
    return report
