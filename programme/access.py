"""Who may see and do what in a programme, computed once per request from the access grants.

Every page, download, export, API call and service asks here, so each rule lives once. A user
with no grant for a programme must not learn that it exists: callers turn ``None`` into a 404.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import AccessRefused, BadQuery

from .models import AccessGrant, Country, Programme, Role
from .selectors import programme_component, programme_countries

# Who asks: a request's user, signed in or not.
AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class ProgrammeAccess:
    programme: Programme
    roles: frozenset
    officer_country_ids: frozenset = field(default_factory=frozenset)
    is_superuser: bool = False
    # The reader, who also sees their own drafts (outputs.selectors.update_visibility_q); None in a
    # view shared by every reader of the same view_key.
    reader_id: int | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or Role.COORDINATOR in self.roles

    @property
    def is_officer(self) -> bool:
        return Role.OFFICER in self.roles

    @property
    def sees_pending(self) -> bool:
        """Officers and coordinators see updates awaiting review; donors see approved status only."""
        return self.is_coordinator or self.is_officer

    @property
    def can_review(self) -> bool:
        return self.is_coordinator

    @property
    def can_edit_outputs(self) -> bool:
        return self.is_coordinator

    @property
    def can_export(self) -> bool:
        return bool(self.roles) or self.is_superuser

    @property
    def export_country_ids(self) -> frozenset[int] | None:
        """None: may export every component. Officers (without a wider role): their countries only."""
        if self.is_coordinator or Role.DONOR in self.roles:
            return None
        return self.officer_country_ids

    def may_export_country(self, country_id: int) -> bool:
        allowed = self.export_country_ids
        return self.can_export and (allowed is None or country_id in allowed)

    def view_key(self) -> tuple:
        """What the reader sees of the programme, for the keys of values shared between readers:
        approved updates only, or pending work with the drafts of the countries they report for; and
        the countries they may export (the pages offer only those downloads)."""
        if not self.sees_pending:
            return ("approved",)
        exports = self.export_country_ids
        return ("pending", tuple(sorted(self.officer_country_ids)), "all" if exports is None else tuple(sorted(exports)))

    @property
    def shared(self) -> "ProgrammeAccess":
        """This view without the reader's own drafts: what a value shared by every reader of the
        same view_key may show."""
        return replace(self, reader_id=None)

    def can_report_on(self, country_id: int) -> bool:
        return country_id in self.officer_country_ids

    # The refusals of the rules above, one wording each, for pages, the API and the services alike.

    def require_report_on(self, country: Country) -> None:
        if not self.can_report_on(country.pk):
            raise PermissionDenied(_("Only officers of %(country)s report on its outputs.") % {"country": country.name})

    def require_review(self) -> None:
        if not self.can_review:
            raise PermissionDenied(_("Only coordinators review updates."))

    def require_edit_outputs(self) -> None:
        if not self.can_edit_outputs:
            raise PermissionDenied(_("Only coordinators edit outputs."))

    def require_export(self) -> None:
        if not self.can_export:
            raise PermissionDenied(_("Your role does not include exports."))

    def require_reporting_workbook(self) -> None:
        if not self.is_coordinator and not self.officer_country_ids:
            raise PermissionDenied(
                _("The reporting workbook is for the officers of a country and the programme's coordinators."))


def country_names(countries: Iterable[Country]) -> str:
    return ", ".join(country.name for country in countries) or "—"


class Components(NamedTuple):
    """The components of a programme a download or page holds for a reader (components_in_scope)."""

    held: list[Country] | None  # None: the whole programme
    allowed: list[Country] | None  # those the reader's may hold; None: every one

    @property
    def scope(self) -> str | None:
        """What a download or report says of itself when the reader's countries limit it; else None."""
        if self.allowed is None or self.held is None:
            return None
        return scope_text([country.name for country in self.held])


def scope_text(names: list[str]) -> str:
    """What a download holding the components ``names`` only, those of the reader's countries, says of itself."""
    return ngettext(
        "%(countries)s only: the country you report for",
        "%(countries)s only: the countries you report for",
        len(names),
    ) % {"countries": ", ".join(names) or "—"}


def components_in_scope(programme: Programme, access: ProgrammeAccess, asked: str | None, *,
                        reporting: bool = False) -> Components:
    """The components a reader's download or page holds for ``asked`` (``?country=``; empty: all
    theirs): for exports and reports officers without a wider role have their countries; with
    ``reporting`` (the reporting workbook) officers theirs, coordinators all. BadQuery for a
    component the programme lacks, PermissionDenied for one outside the reader's."""
    ids = (None if access.is_coordinator else access.officer_country_ids) if reporting else access.export_country_ids
    allowed = None if ids is None else [country for country in programme_countries(programme) if country.pk in ids]
    asked = (asked or "").strip().lower()
    if not asked:
        return Components(allowed, allowed)
    component = programme_component(programme, asked)
    if component is None:
        raise BadQuery(
            _("This programme has no country component '%(code)s'. Use a country's ISO code, e.g. mw, or global.")
            % {"code": asked[:20]}
        )
    if allowed is not None and component not in allowed:
        raise PermissionDenied(
            _("Your downloads and reports hold the countries you report for (%(countries)s), not %(country)s.")
            % {"countries": country_names(allowed), "country": component.name}
        )
    return Components([component], allowed)


def programme_access(user: AnyUser, programme: Programme,
                     grants: list[AccessGrant] | None = None) -> ProgrammeAccess | None:
    """The user's access to the programme, or None when they have none (callers answer 404).
    ``grants``: the user's grants there, when already sorted by programme (access_by_programme)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if grants is None:
        grants = [grant for grant in user_grants(user) if grant.programme_id == programme.pk]
    if not grants and not user.is_superuser:
        return None
    return ProgrammeAccess(
        programme=programme,
        roles=frozenset(grant.role for grant in grants),
        officer_country_ids=frozenset(
            grant.country_id for grant in grants if grant.role == Role.OFFICER and grant.country_id
        ),
        is_superuser=user.is_superuser,
        reader_id=user.pk,
    )


def programme_access_or_404(user: AnyUser, programme: Programme) -> ProgrammeAccess:
    access = programme_access(user, programme)
    if access is None:
        raise AccessRefused("No such programme.")
    return access


def user_grants(user: AnyUser) -> list[AccessGrant]:
    """The user's grants, fetched once per user object (one query per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_access_grants_cache", None)
    if cached is None:
        # Ordered here, not by the model's ordering: its join on the user for a constant username
        # made this query, read on every page, cost twice as much to build.
        grants = AccessGrant.objects.filter(user=user).select_related("programme", "country").order_by()
        cached = sorted(grants, key=lambda grant: (grant.programme.code, grant.country.name if grant.country else ""))
        vars(user)["_access_grants_cache"] = cached
    return cached


def access_by_programme(user: AnyUser, programmes: Iterable[Programme] | None = None) -> dict[int, ProgrammeAccess]:
    """{programme id: the user's access}, for every programme they see (``programmes``: those
    already read with visible_programmes; by default those of the user's grants, read with them)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    if programmes is None:
        programmes = visible_programmes(user) if user.is_superuser else {
            grant.programme_id: grant.programme for grant in user_grants(user)
        }.values()
    grants: dict[int, list[AccessGrant]] = {}
    for grant in user_grants(user):  # sorted once, not once per programme: a portfolio holds hundreds
        grants.setdefault(grant.programme_id, []).append(grant)
    return {programme.pk: access for programme in programmes
            if (access := programme_access(user, programme, grants.get(programme.pk, []))) is not None}


def sees_pending_by_programme(user: AnyUser, programmes: Iterable[Programme] | None = None) -> dict[int, bool]:
    """{programme id: whether the user sees updates not yet approved there}."""
    return {pk: access.sees_pending for pk, access in access_by_programme(user, programmes).items()}


def view_keys_by_programme(user: AnyUser, programmes: Iterable[Programme] | None = None) -> dict[int, tuple]:
    """{programme id: ProgrammeAccess.view_key}, for a value shared by readers who see the same of
    every programme it reads."""
    return {pk: access.view_key() for pk, access in access_by_programme(user, programmes).items()}


def visible_programmes(user: AnyUser) -> QuerySet[Programme]:
    """The programmes the user may see: all of them for superusers, else those they hold a grant for."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(access_grants__user=user).distinct()


def reader_programmes(user: User, limit: int | None = None) -> list[Programme]:
    """visible_programmes by code, as a list: those of the user's grants, read with them (no query of
    its own), or for superusers every programme (the first ``limit``; one query)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Programme.objects.order_by("code")[:limit])
    # The grants come ordered by programme code (AccessGrant.Meta.ordering).
    return list({grant.programme_id: grant.programme for grant in user_grants(user)}.values())[:limit]


def coordinated_programmes(user: AnyUser) -> QuerySet[Programme]:
    """The programmes the user coordinates: all of them for superusers, else those they hold a
    coordinator grant for (what a staff user sees and changes in the admin)."""
    if not user.is_authenticated or not user.is_active:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(access_grants__user=user, access_grants__role=Role.COORDINATOR)


def officer_country_ids(user: AnyUser) -> dict[int, set[int]]:
    """{programme id: {country ids}} for which the user reports as an officer."""
    result: dict[int, set[int]] = {}
    for grant in user_grants(user):
        if grant.role == Role.OFFICER and grant.country_id:
            result.setdefault(grant.programme_id, set()).add(grant.country_id)
    return result


def primary_role(user: AnyUser) -> str | None:
    """The role that decides where `/` sends the user."""
    if user.is_superuser:
        return Role.COORDINATOR
    roles = {grant.role for grant in user_grants(user)}
    for role in (Role.COORDINATOR, Role.OFFICER, Role.DONOR):
        if role in roles:
            return role
    return None


def coordinated_grants(user: AnyUser) -> list[AccessGrant]:
    """The user's coordinator grants, with their programmes (read with user_grants)."""
    return [grant for grant in user_grants(user) if grant.role == Role.COORDINATOR]


def home_programme(user: AnyUser) -> Programme | None:
    """The programme a person lands in: their first grant's, or the first one for superusers."""
    grants = user_grants(user)
    if grants:
        return grants[0].programme
    if user.is_superuser:
        return Programme.objects.order_by("code").first()
    return None


def may_import_pages(user: User) -> bool:
    """Whether the user may import a published outputs page at all (require_page_import says into what)."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or coordinated_programmes(user).exists()))


def require_page_import(user: User, programme: Programme | None) -> None:
    """Superusers create programmes from their published outputs page and import into any; a
    coordinator re-imports the page of a programme they coordinate. One refusal for both cases, so
    that it does not tell whether a programme they do not coordinate exists."""
    if user.is_active and user.is_superuser:
        return
    if programme is not None and coordinated_programmes(user).filter(pk=programme.pk).exists():
        return
    raise PermissionDenied(
        _("You may import the outputs page of a programme you coordinate; only superusers create programmes.")
    )
