"""The demo's year written through the services, each step on its own day.

Every update, review and edit goes through the services the pages use (so history, review events
and the programme's data version are right), with the clock set to the step's moment by
time-machine: review events, history, submission and approval times read as if they happened on
their days, and "as of" reports of any day of the year show what was known then.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

import time_machine
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from programme.models import AccessGrant, Programme, Role
from programme.services import programme_demo_mark

from ..models import Evidence, Output, StatusUpdate
from ..services.output_edits import output_edit
from ..services.updates import status_update_approve, status_update_return, status_update_save
from . import files
from .plan import DemoOutput, DemoPlan, Edit, Report, Review, demo_plan

# The demo's reviews happened "in the past": their e-mails to officers are not queued.
QUIET_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


class DemoActivityRefused(Exception):
    """The programme already holds demonstration activity or people's work: nothing is written."""


@dataclass(frozen=True)
class DemoSummary:
    approved: int
    months: int
    reported_outputs: int
    waiting: int
    returned: int
    drafts: int
    files: int
    links: int
    edits: int


def demo_activity_refusal(programme: Programme) -> str | None:
    """Why the demo's year cannot be written into the programme, or None: it is written once, into a
    programme nobody has worked in (no update, no output edited or added by a person)."""
    if programme.demo:
        return "it already holds the demonstration activity"
    if StatusUpdate.objects.filter(output__outcome__programme=programme).exists():
        return "it holds status updates"
    history = Output.history.filter(id__in=Output.objects.filter(outcome__programme=programme).values("pk"))
    if history.filter(Q(history_user__isnull=False) | ~Q(history_type="+")).exists():
        return "its outputs were edited"
    return None


def _component(output: Output) -> str:
    country = output.outcome.country
    return "global" if country.is_global else country.code or country.slug


def _people(programme: Programme) -> tuple[dict[str, User], User]:
    """Each component's officer (the first by username) and the programme's coordinator."""
    grants = AccessGrant.objects.filter(programme=programme).select_related("user", "country").order_by("user__username")
    officers: dict[str, User] = {}
    coordinator = None
    for grant in grants:
        if grant.role == Role.OFFICER and grant.country is not None:
            key = "global" if grant.country.is_global else grant.country.code or grant.country.slug
            officers.setdefault(key, grant.user)
        elif grant.role == Role.COORDINATOR and coordinator is None:
            coordinator = grant.user
    if coordinator is None or not officers:
        raise DemoActivityRefused("it has no coordinator or no country officer to act in the demonstration")
    return officers, coordinator


def demo_activity_write(*, programme: Programme, today: datetime.date | None = None) -> DemoSummary:
    """Give the programme a year of made-up activity up to ``today`` (the site's today by default),
    all of it on earlier days, and mark it as demonstration data. All or nothing.

    Raises DemoActivityRefused when demo_activity_refusal names a reason."""
    reason = demo_activity_refusal(programme)
    if reason:
        raise DemoActivityRefused(reason)
    officers, coordinator = _people(programme)
    outputs = {
        output.pk: output
        for output in Output.objects.filter(outcome__programme=programme).select_related("outcome__country", "outcome__programme")
    }
    plan = demo_plan(today or timezone.localdate(), [
        DemoOutput(pk=output.pk, country=_component(output), code=output.code, title=output.title, deadline=output.deadline)
        for output in outputs.values() if _component(output) in officers
    ])
    stored: list[str] = []
    try:
        with override_settings(TASKS=QUIET_TASKS), transaction.atomic():
            # The outputs were recorded when the seed was loaded (today): as imported before the year began.
            Output.history.filter(id__in=list(outputs), history_date__gt=timezone.make_aware(plan.imported_at)).update(
                history_date=timezone.make_aware(plan.imported_at)
            )
            _write_steps(plan, programme, outputs, officers, coordinator, stored)
            programme_demo_mark(programme=programme)
    except BaseException:
        for name in stored:  # the rows are rolled back: their files go too
            default_storage.delete(name)
        raise
    return _summary(plan)


def _write_steps(plan: DemoPlan, programme: Programme, outputs: dict[int, Output], officers: dict[str, User],
                 coordinator: User, stored: list[str]) -> None:
    open_updates: dict[int, StatusUpdate] = {}
    for step in plan.steps:
        output = outputs[step.output]
        with time_machine.travel(timezone.make_aware(step.at), tick=False):
            if isinstance(step, Report):
                uploads = [
                    files.report_pdf(value, programme_code=programme.code, component=output.outcome.country.name,
                                     day=step.as_of) if kind == "pdf" else files.chart_png(value)
                    for kind, value in step.evidence if kind in ("pdf", "png")
                ]
                update = status_update_save(
                    output=output, user=officers[step.country], base_revision=None, status=step.status,
                    progress=step.progress, narrative=step.narrative, as_of=step.as_of, files=uploads,
                    links=[value for kind, value in step.evidence if kind == "link"], submit=step.submit,
                )
                if uploads:
                    stored += Evidence.objects.filter(update=update).exclude(file="").values_list("file", flat=True)
                open_updates[output.pk] = update
            elif isinstance(step, Review) and step.reason:
                status_update_return(update=open_updates[output.pk], user=coordinator, reason=step.reason)
            elif isinstance(step, Review):
                status_update_approve(update=open_updates.pop(output.pk), user=coordinator)
            elif isinstance(step, Edit):
                output_edit(output=output, user=coordinator, reason=step.reason, **dict(step.changes))


def _summary(plan: DemoPlan) -> DemoSummary:
    reports: dict[int, Report] = {}
    approved: list[tuple[datetime.datetime, Report]] = []
    returned = 0
    for step in plan.steps:
        if isinstance(step, Report):
            reports[step.output] = step
        elif isinstance(step, Review) and step.reason:
            returned += 1
        elif isinstance(step, Review):
            approved.append((step.at, reports.pop(step.output)))
    kinds = Counter(kind for step in plan.steps if isinstance(step, Report) for kind, _value in step.evidence)
    return DemoSummary(
        approved=len(approved),
        months=len({at.strftime("%Y-%m") for at, _report in approved}),
        reported_outputs=len({report.output for _at, report in approved}),
        waiting=sum(1 for report in reports.values() if report.submit) - returned,
        returned=returned,
        drafts=sum(1 for report in reports.values() if not report.submit),
        files=kinds["pdf"] + kinds["png"],
        links=kinds["link"],
        edits=sum(1 for step in plan.steps if isinstance(step, Edit)),
    )
