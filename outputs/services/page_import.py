"""Programmes and their outputs created or brought up to date from a published outputs page."""


from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from programme.services import (
    country_resolve,
    outcome_get_or_create,
    programme_get_or_create,
    programme_touch,
)

from ..models import (
    Output,
)
from ..page_parser import ParsedPage


@dataclass
class ImportReport:
    programme: object = None
    programme_created: bool = False
    programme_updated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_component: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def changed_anything(self):
        return bool(self.programme_created or self.programme_updated or self.created or self.updated)


def _pair_repeated(existing, incoming):
    """Match the page's outputs to stored ones sharing a code: same text first, then list order."""
    pairs = []
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


def outputs_import_page(
    *, page: ParsedPage, code: str, funding_partner: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update a programme's outputs from a parsed outputs page, in one transaction.

    Outputs are matched on programme, country and code, and on text where a code repeats; a
    re-import of the same page changes nothing. Outputs missing from the page are kept (their
    history matters) and reported.
    """
    report = ImportReport()
    total = page.output_count
    done = 0
    with transaction.atomic():
        programme, report.programme_created, report.programme_updated = programme_get_or_create(
            code=code, title=page.title, funding_partner=funding_partner
        )
        report.programme = programme
        programme_touch(programme.pk)  # first: cached pages of the programme go stale with this import

        existing = defaultdict(list)
        for output in Output.objects.filter(outcome__programme=programme).select_related(
            "outcome"
        ):
            existing[(output.outcome.country_id, output.code)].append(output)

        seen = set()
        for component in page.components:
            resolution = country_resolve(component.name)
            country = resolution.country
            if resolution.warning:
                report.warnings.append(f"line {component.line_number}: {resolution.warning}")
            report.per_component[country.name] = report.per_component.get(country.name, 0) + len(
                component.outputs
            )

            by_code = defaultdict(list)
            for parsed in component.outputs:
                by_code[parsed.code].append(parsed)

            for output_code, incoming in by_code.items():
                if len(incoming) > 1:
                    lines = ", ".join(str(parsed.line_number) for parsed in incoming)
                    report.warnings.append(
                        f"{country.name}: code {output_code} is used by {len(incoming)} different "
                        f"outputs (lines {lines}); all are kept. Check the published numbering."
                    )
                key = (country.id, output_code)
                seen.add(key)
                pairs, _ = _pair_repeated(existing.get(key, []), incoming)
                for parsed, output in pairs:
                    outcome, _ = outcome_get_or_create(
                        programme=programme, country=country, number=parsed.outcome_number
                    )
                    if output is None:
                        Output.objects.create(
                            outcome=outcome,
                            code=parsed.code,
                            title=parsed.title,
                            deadline=parsed.deadline,
                            position=parsed.position,
                        )
                        report.created += 1
                    else:
                        changes = {
                            name: value
                            for name, value in (
                                ("title", parsed.title),
                                ("deadline", parsed.deadline),
                                ("position", parsed.position),
                            )
                            if getattr(output, name) != value
                        }
                        if changes:
                            for name, value in changes.items():
                                setattr(output, name, value)
                            output._change_reason = "Imported from the outputs page"
                            output.save()
                        if changes.keys() - {"position"}:
                            report.updated += 1
                        else:
                            report.unchanged += 1
                    done += 1
                    if progress:
                        progress(done, total)

        for (country_id, output_code), outputs in existing.items():
            if (country_id, output_code) not in seen:
                for output in outputs:
                    report.warnings.append(
                        f"{output.outcome.country.name} Output {output.code} is no longer on the page; "
                        "it was kept."
                    )
    return report
