"""Reads shared by pages, exports, the API and commands, each with its joins, so no page queries per row."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from programme.access import ProgrammeAccess, access_by_programme, officer_country_ids
from programme.models import Country, Outcome

from .models import (
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    StatusUpdate,
    open_q,
    overdue_q,
)
from .vocabulary import NOT_REPORTED


def update_visibility_q(access: ProgrammeAccess, *, prefix: str = "") -> Q:
    """The programme's status updates the reader sees. The one rule of who sees an update, which
    every page, download, export and API read applies through this function:

    - a draft: its author and the officers of its country (the output's country);
    - submitted or returned: the programme's officers and coordinators;
    - approved: everyone with a grant on the programme.

    ``access.reader_id`` is the author whose own drafts are seen (None in a view shared by readers,
    ProgrammeAccess.shared). ``prefix``: the path to the update from the model queried, e.g.
    ``"update__"`` for evidence and review events."""

    def lookup(name: str, value: object) -> Q:
        return Q(**{prefix + name: value})

    seen = lookup("review_state", ReviewState.APPROVED)
    if access.sees_pending:
        seen |= lookup("review_state__in", [ReviewState.SUBMITTED, ReviewState.RETURNED])
    draft_readers = lookup("output__outcome__country_id__in", sorted(access.officer_country_ids))
    if access.reader_id is not None:
        draft_readers |= lookup("author_id", access.reader_id)
    seen |= lookup("review_state", ReviewState.DRAFT) & draft_readers
    return lookup("output__outcome__programme_id", access.programme.pk) & seen


def updates_seen_in(access: ProgrammeAccess) -> QuerySet[StatusUpdate]:
    """The status updates of one programme the reader sees (update_visibility_q)."""
    return StatusUpdate.objects.filter(update_visibility_q(access))


def updates_visible_q(user: User, *, prefix: str = "") -> Q:
    """update_visibility_q over every programme the user sees (none: nothing)."""
    visible = Q(pk__in=[])
    for access in access_by_programme(user).values():
        visible |= update_visibility_q(access, prefix=prefix)
    return visible


def outputs_with_status() -> QuerySet[Output]:
    """Outputs with their component, reported (approved) update and pending update joined in."""
    return Output.objects.select_related(
        "outcome__programme",
        "outcome__country",
        "reported_update",
        "pending_update",
        "pending_update__last_edited_by",
    )


def outputs_visible_to(user: User) -> QuerySet[Output]:
    """The outputs of every programme the user may see, in natural order, for a paginated list.
    Only the component is joined: a page is chosen among narrow rows, and only its outputs' updates
    are read (two more queries), not those of every output of the programmes.

    ``pending_update`` is None where the reader may not see it (a donor; a draft of another
    country): the view shared by readers with the same view keys (ProgrammeAccess.shared)."""
    accesses = access_by_programme(user)
    pending_seen = Q(pk__in=[])
    for access in accesses.values():
        pending_seen |= update_visibility_q(access.shared)
    return (
        Output.objects.filter(outcome__programme__in=list(accesses))
        .select_related("outcome__programme", "outcome__country")
        .prefetch_related(
            "reported_update",
            Prefetch(
                "pending_update",
                queryset=StatusUpdate.objects.filter(pending_seen).select_related("last_edited_by"),
            ),
        )
        .in_natural_order()
    )


# My outputs' orders, each a key the page's ?sort= names ("-" before it reverses the order):
# the most urgent first (overdue, then by deadline), by code (within programme and country), by
# reported status (the most worrying first) or by deadline.
PLACE = ("outcome__programme__code", "outcome__country__name", "sort_key", "position")
OFFICER_ORDERS = {
    "urgency": ("urgency", "deadline", *PLACE),
    "code": PLACE,
    "status": ("concern", "deadline", *PLACE),
    "deadline": ("deadline", *PLACE),
}
STATUSES_BY_CONCERN = ["off_track", "at_risk", None, "not_started", "on_track", "achieved", "cancelled"]


def outputs_for_officer(
    user: User, *, programme_id: int | None = None, country_id: int | None = None, outcome_number: int | None = None,
    status: str | None = None, today: datetime.date | None = None, order: str = "urgency",
) -> QuerySet[Output]:
    """The outputs of the officer's countries, in every programme they report in, in one of
    OFFICER_ORDERS (most urgent first unless told otherwise)."""
    today = today or timezone.localdate()
    scopes = Q(pk__in=[])
    for scope_programme_id, country_ids in officer_country_ids(user).items():
        scopes |= Q(outcome__programme_id=scope_programme_id, outcome__country_id__in=country_ids)
    queryset = outputs_with_status().filter(scopes)
    if programme_id:
        queryset = queryset.filter(outcome__programme_id=programme_id)
    if country_id:
        queryset = queryset.filter(outcome__country_id=country_id)
    if outcome_number:
        queryset = queryset.filter(outcome__number=outcome_number)
    if status == NOT_REPORTED:
        queryset = queryset.filter(reported_update__isnull=True)
    elif status:
        queryset = queryset.filter(reported_update__status=status)
    fields = OFFICER_ORDERS.get(order.removeprefix("-"), OFFICER_ORDERS["urgency"])
    if order.startswith("-"):
        fields = tuple(f"-{field}" for field in fields)
    return queryset.annotate(
        urgency=Case(When(overdue_q(today), then=Value(0)), default=Value(1), output_field=IntegerField()),
        concern=Case(
            *(When(reported_update__status=key, then=Value(rank))
              for rank, key in enumerate(STATUSES_BY_CONCERN) if key),
            default=Value(STATUSES_BY_CONCERN.index(None)), output_field=IntegerField(),
        ),
    ).order_by(*fields, "pk")


def officer_filter_choices(scopes: dict[int, set[int]]) -> tuple[list[Country], list[int]]:
    """My outputs' filter choices: the officer's countries and their outcome numbers.

    ``scopes`` is {programme id: {country ids}} (programme.access.officer_country_ids).
    """
    country_ids = set().union(*scopes.values())
    countries = list(Country.objects.filter(pk__in=country_ids).order_by("name"))
    numbers = list(
        Outcome.objects.filter(country_id__in=country_ids, programme_id__in=scopes)
        .order_by("number")
        .values_list("number", flat=True)
        .distinct()
    )
    return countries, numbers


def updates_for_review() -> QuerySet[StatusUpdate]:
    return StatusUpdate.objects.select_related("output__outcome__programme", "output__outcome__country", "author")


def output_for_page(pk: int) -> Output:
    """One output with everything its page shows."""
    return outputs_with_status().select_related("reported_update__reviewed_by").get(pk=pk)


def output_timeline(output: Output, access: ProgrammeAccess) -> QuerySet[StatusUpdate]:
    """The output's updates the reader sees, newest first, with their review events and evidence."""
    updates = updates_seen_in(access).filter(output=output)
    return updates.select_related("author", "last_edited_by", "reviewed_by").prefetch_related(
        Prefetch("events", queryset=ReviewEvent.objects.select_related("actor")),
        Prefetch("evidence", queryset=Evidence.objects.all()),
    ).order_by("-created_at", "-pk")


def review_queue(programme_ids: Iterable[int] | None = None) -> QuerySet[StatusUpdate]:
    """Updates submitted for review, oldest first. ``None``: every programme."""
    queryset = StatusUpdate.objects.filter(review_state=ReviewState.SUBMITTED)
    if programme_ids is not None:
        queryset = queryset.filter(output__outcome__programme_id__in=programme_ids)
    return (
        queryset.select_related(
            "output__outcome__programme",
            "output__outcome__country",
            "output__reported_update",
            "author",
        )
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )


def review_queue_count(programme_ids: Iterable[int] | None = None) -> int:
    """How many updates review_queue holds, for the header of every page. Counted through the
    outputs' pending pointers (an output's one open update is its pending update): an index read of
    the programme's outputs, not a join from every submitted update of the site."""
    outputs = Output.objects.filter(pending_update__review_state=ReviewState.SUBMITTED)
    if programme_ids is not None:
        outputs = outputs.filter(outcome__programme_id__in=programme_ids)
    return outputs.count()


def evidence_visible_to(user: User, pk: int) -> Evidence:
    """An evidence file or link whose update the user sees (Evidence.DoesNotExist otherwise)."""
    return Evidence.objects.filter(updates_visible_q(user, prefix="update__")).get(pk=pk)


def outputs_due_for_reminders(horizon: datetime.date) -> QuerySet[Output]:
    """Outputs due on or before ``horizon`` (overdue ones included) that are not closed."""
    return (
        Output.objects.filter(deadline__lte=horizon)
        .filter(open_q())
        .select_related("outcome__programme", "outcome__country")
    )


def updates_visible_to(user: User) -> QuerySet[StatusUpdate]:
    """Status updates the user may read (update_visibility_q), none of programmes they cannot see."""
    return (
        StatusUpdate.objects.filter(updates_visible_q(user))
        .select_related("output__outcome__programme", "author")
        .prefetch_related("evidence", "events__actor")
    )


def output_latest_change_by(output: Output) -> User | None:
    """Who made the output's latest change: the actor of its updates' latest review event or the
    author of its latest edit, whichever came later."""
    event = ReviewEvent.objects.filter(update__output=output).select_related("actor").order_by("at", "pk").last()
    edit = output.history.select_related("history_user").order_by("history_date", "history_id").last()
    changes = ([(event.at, event.actor)] if event else []) + ([(edit.history_date, edit.history_user)] if edit else [])
    return max(changes, key=lambda change: change[0])[1] if changes else None


def output_reported_update(output: Output) -> StatusUpdate | None:
    """The latest approved update: by 'as of' date, then by approval time."""
    return StatusUpdate.objects.filter(output=output).approved_latest_first().first()
