"""A synthetic programme of any size, for measuring pages at the scale of the largest real programmes.

Deterministic from its seed: the same arguments give the same programme, outputs, updates and
dates on any machine and any day (dates are anchored in the past, not on today).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programme.countries import member_states
from programme.models import AccessGrant, Country, Outcome, Programme, Role
from programme.services import region_table_load

from .models import Output, ReviewEvent, ReviewState, Status, StatusUpdate

ANCHOR = datetime.date(2024, 1, 15)  # the first synthetic update; every date follows from it
OUTCOMES_PER_COUNTRY = 4
STATUS_WEIGHTS = [
    (Status.NOT_STARTED, 1),
    (Status.ON_TRACK, 5),
    (Status.AT_RISK, 2),
    (Status.OFF_TRACK, 1),
    (Status.ACHIEVED, 2),
    (Status.CANCELLED, 0.2),
]
VERBS = ["developed", "validated", "implemented", "published", "costed", "piloted", "disseminated"]
TOPICS = [
    "a national social protection strategy",
    "a costing and fiscal space analysis",
    "a capacity building programme for social partners",
    "an actuarial valuation of the pension scheme",
    "a registration drive for informal economy workers",
    "a management information system for cash transfers",
    "a campaign for ratification of Convention No. 102",
    "training on TRANSFORM modules",
]


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour % 24, 0)))


def demo_portfolio_generate(*, countries: int, outputs_per_country: int, updates_per_output: int, seed: int = 1,
                            code: str | None = None) -> Programme:
    """Create a programme of ``countries`` components with their outputs and approved history.

    Returns the programme. Officers (one per country) and a coordinator are created with grants
    so that every page can be opened as them.
    """
    rng = random.Random(seed)
    code = code or f"DEMO/{countries}x{outputs_per_country}x{updates_per_output}/{seed}"
    User = get_user_model()
    statuses = [status for status, _weight in STATUS_WEIGHTS]
    weights = [weight for _status, weight in STATUS_WEIGHTS]

    with transaction.atomic():
        if not Country.objects.filter(code__isnull=False).exists():
            region_table_load()
        programme = Programme.objects.create(
            code=code,
            title=f"Synthetic portfolio {countries} x {outputs_per_country} (seed {seed})",
            funding_partner="Demo partner",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2027, 12, 31),
        )
        codes = sorted(member_states())
        chosen = sorted(rng.sample(codes, min(countries, len(codes))))
        components = list(Country.objects.filter(code__in=chosen).order_by("name"))
        for extra in range(countries - len(components)):
            name = f"Component {extra + 1} ({code})"
            components.append(Country.objects.create(name=name, slug=f"c{extra + 1}-{programme.slug}"))

        coordinator, _ = User.objects.get_or_create(
            username=f"demo-coordinator-{programme.slug}", defaults={"first_name": "Demo", "last_name": "Coordinator"}
        )
        AccessGrant.objects.create(user=coordinator, programme=programme, role=Role.COORDINATOR)
        officers = {}
        for country in components:
            officer, _ = User.objects.get_or_create(
                username=f"demo-officer-{country.slug}-{programme.slug}",
                defaults={"first_name": "Officer", "last_name": country.name},
            )
            AccessGrant.objects.create(user=officer, programme=programme, country=country, role=Role.OFFICER)
            officers[country.pk] = officer

        outcomes = Outcome.objects.bulk_create(
            [
                Outcome(programme=programme, country=country, number=number)
                for country in components
                for number in range(1, OUTCOMES_PER_COUNTRY + 1)
            ]
        )
        outputs = []
        position = 0
        for index, outcome in enumerate(outcomes):
            per_outcome = outputs_per_country // OUTCOMES_PER_COUNTRY + (
                1 if index % OUTCOMES_PER_COUNTRY < outputs_per_country % OUTCOMES_PER_COUNTRY else 0
            )
            for number in range(1, per_outcome + 1):
                position += 1
                output_code = f"{outcome.number}.{number}"
                outputs.append(
                    Output(
                        outcome=outcome,
                        code=output_code,
                        sort_key=".".join(f"{int(part):05d}" for part in output_code.split(".")),
                        title=f"{rng.choice(TOPICS).capitalize()} is {rng.choice(VERBS)} ({output_code})",
                        deadline=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1095)),
                        position=position,
                    )
                )
        outputs = bulk_create_with_history(
            outputs, Output, batch_size=2000, default_user=coordinator,
            default_change_reason="Generated", default_date=_aware(ANCHOR - datetime.timedelta(days=30), 9),
        )
        if updates_per_output:
            _generate_updates(rng, programme.pk, outputs, officers, coordinator, updates_per_output, statuses, weights)
    return programme


def _generate_updates(rng: random.Random, programme_id: int, outputs: list[Output], officers: dict[int, User],
                      coordinator: User, per_output: int, statuses: list[Status], weights: list[float]) -> None:
    """Approved updates every ~30 days from the anchor; one in ten outputs also has one awaiting review."""
    outcome_country = dict(Outcome.objects.filter(pk__in={o.outcome_id for o in outputs}).values_list("pk", "country_id"))
    updates = []
    for output in outputs:
        officer = officers[outcome_country[output.outcome_id]]
        progress = 0
        for step in range(per_output):
            as_of = ANCHOR + datetime.timedelta(days=30 * step + rng.randrange(0, 10))
            progress = min(100, progress + rng.randrange(0, 12))
            pending = step == per_output - 1 and rng.random() < 0.1
            updates.append(
                StatusUpdate(
                    output=output,
                    author=officer,
                    last_edited_by=officer,
                    status=rng.choices(statuses, weights)[0],
                    progress=progress,
                    narrative=f"Progress report {step + 1}: activities continue as planned.",
                    as_of=as_of,
                    review_state=ReviewState.SUBMITTED if pending else ReviewState.APPROVED,
                    submitted_at=_aware(as_of, 10),
                    reviewed_at=None if pending else _aware(as_of + datetime.timedelta(days=3), 11),
                    reviewed_by=None if pending else coordinator,
                )
            )
    StatusUpdate.objects.bulk_create(updates, batch_size=5000)
    # bulk_create sets pks on PostgreSQL and SQLite; created_at/updated_at are "now", which is fine.
    events = []
    reported = {}
    waiting = {}
    for update in updates:
        if update.review_state == ReviewState.APPROVED:
            events.append(ReviewEvent(update=update, programme_id=programme_id, action=ReviewEvent.Action.APPROVED,
                                      from_state=ReviewState.SUBMITTED, to_state=ReviewState.APPROVED,
                                      actor=coordinator))
            reported[update.output_id] = update  # updates are in chronological order per output
        else:
            events.append(ReviewEvent(update=update, programme_id=programme_id, action=ReviewEvent.Action.SUBMITTED, from_state="",
                                      to_state=ReviewState.SUBMITTED, actor=update.author))
            waiting[update.output_id] = update
    ReviewEvent.objects.bulk_create(events, batch_size=5000)
    for output in outputs:
        output.reported_update = reported.get(output.pk)
        output.pending_update = waiting.get(output.pk)
    Output.objects.bulk_update(outputs, ["reported_update", "pending_update"], batch_size=2000)
