"""What each person may see of family cases."""

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    Count,
    Exists,
    F,
    Field,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator

from referrals.models import ReferralStatusChange
from vicp import dates, search
from vicp.models import Document, Project, User
from vicp.permissions import (
    audit_refusal,
    get_object_for_user,
    in_managed_projects,
    projects_managed_by,
    visible_to,
)
from vicp.selectors import first_rows
from volunteers.models import Volunteer

from . import policy
from .models import (
    CaseNote,
    Child,
    Concern,
    ConcernAction,
    Family,
    FamilyStatusChange,
    Goal,
    Match,
    Visit,
)

# One edit on the family page: when, by whom, of what, which field, before, after.
FamilyChange = tuple[datetime.datetime, User | None, str, str, object, object]


def families_visible_to(user: User) -> QuerySet[Family]:
    """Managers: their projects' families. Social workers: the families they referred.
    Volunteers: the family of their active match (granted by the matching service)."""
    return visible_to(
        user,
        Family.objects.select_related("project", "level_of_need"),
        "families.view_family",
    )


def family_list(user: User) -> QuerySet[Family]:
    # A subquery rather than Count("children"): no GROUP BY over the whole caseload, and
    # the paginator's count leaves it out.
    children = (
        Child.objects.filter(family=OuterRef("pk"))
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_contact = (
        Visit.objects.filter(
            match__family=OuterRef("pk"), status=Visit.Status.LOGGED, contact_made=True
        )
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return (
        families_visible_to(user)
        .select_related("referral__social_worker")
        .annotate(
            child_count=Coalesce(Subquery(children), 0), last_contact_on=Subquery(last_contact)
        )
        .order_by("status", "-accepted_on", "-pk")
    )


def family_list_volunteers(user: User) -> QuerySet[Volunteer]:
    """The volunteers a manager may filter their families by: those who have worked
    with a family this person may see."""
    return Volunteer.objects.filter(
        Exists(Match.objects.filter(volunteer=OuterRef("pk"), family__in=families_visible_to(user)))
    ).order_by("first_name", "last_name", "pk")


def family_list_social_workers(user: User) -> QuerySet[User]:
    """The social workers who referred a family this person may see."""
    return User.objects.filter(
        pk__in=families_visible_to(user).values("referral__social_worker")
    ).order_by("first_name", "last_name", "pk")


def family_for_user(user: User, pk: int | str) -> Family:
    """The family with this pk if `user` may see it, else 404 (for forms and actions)."""
    return get_object_for_user(user, _families(), pk, "families.view_family")


def family_page_for_user(user: User, pk: int | str, section: str = "overview") -> Family:
    """As `family_for_user`, with what that section of the family page shows read in the
    same query or prefetched, and nothing else. Every section shows the project and the
    referral (who referred the family); a volunteer's every section reads the matches
    (whether they are the family's volunteer now), everyone's overview too (who works
    with the family)."""
    lookups: list[str | Prefetch[Any]] = list(SECTION_PREFETCHES.get(section, ()))
    if section == "overview" or user.is_volunteer:
        lookups.append(Prefetch("matches", queryset=Match.objects.select_related("volunteer")))
    return get_object_for_user(
        user,
        Family.objects.select_related(
            "project", "referral", *SECTION_RELATED.get(section, ())
        ).prefetch_related(*lookups),
        pk,
        "families.view_family",
    )


# What a section shows beyond the project and the referral, read in the family's query.
SECTION_RELATED: dict[str, tuple[str, ...]] = {
    "overview": ("referral__social_worker",),
    "details": ("level_of_need",),
}
SECTION_PREFETCHES: "dict[str, tuple[str | Prefetch[Any], ...]]" = {
    "overview": ("risks",),
    "details": ("children__cp_category", "needs", "risks"),
    "history": (
        Prefetch("status_changes", queryset=FamilyStatusChange.objects.select_related("by")),
        Prefetch(
            "referral__status_changes",
            queryset=ReferralStatusChange.objects.select_related("by"),
        ),
    ),
}


def projects_to_move_to(user: User, family: Family) -> QuerySet[Project]:
    """The running projects `user` may move the family's case to (see
    `policy.may_move_to_project`): the other projects they manage."""
    if not policy.manages_family(user, family):
        return Project.objects.none()
    return (
        projects_managed_by(user)
        .filter(is_active=True)
        .exclude(pk=family.project_id)
        .order_by("name")
    )


def _families() -> QuerySet[Family]:
    return Family.objects.select_related("project", "level_of_need")


def visits_visible_to(user: User) -> QuerySet[Visit]:
    """Managers: their projects' visits. A volunteer: the visits they logged in their
    active match (none once it has ended). Nobody else sees visit notes."""

    visits = Visit.objects.select_related("match__family__project", "match__volunteer", "logged_by")
    if not (user.is_authenticated and user.is_active):
        return visits.none()
    if user.is_admin:
        return visits
    if user.is_project_manager:
        return visits.filter(in_managed_projects(user, "match__family__project"))
    if user.is_volunteer:
        return visits.filter(
            logged_by=user,
            match__volunteer__user=user,
            match__ended_on=None,
            match__suspended_at=None,
        )
    return visits.none()


def visit_for_user(user: User, pk: int | str) -> Visit:
    visit = visits_visible_to(user).prefetch_related("activities", "concerns").filter(pk=pk).first()
    if visit is None:
        audit_refusal(user, Visit, pk, "match__family__project")
        raise Http404("No such visit.")
    return visit


# --- The managers' lists of visits and mileage claims ------------------------------------


def visit_list(user: User) -> QuerySet[Visit]:
    """The logged visits to the families of the projects `user` manages (none for anyone
    else), newest first, with what the list shows of each.

    Drafts, drafts left when a match ended and discarded visits are not listed: none is a
    visit that took place (the family's Visits tab shows them to its managers)."""
    return (
        Visit.objects.filter(
            in_managed_projects(user, "match__family__project"), status=Visit.Status.LOGGED
        )
        .select_related("match__family__project", "match__volunteer")
        .order_by("-visited_on", "-start_time", "-pk")
    )


def mileage_claims(user: User) -> QuerySet[Visit]:
    """The mileage claims, paid or not, of the projects `user` manages: their logged
    visits with miles, by volunteer, then oldest first."""
    return (
        Visit.objects.filter(
            in_managed_projects(user, "match__family__project"),
            status=Visit.Status.LOGGED,
            miles__isnull=False,
        )
        .select_related("match__family__project", "match__volunteer", "logged_by")
        .order_by("match__volunteer__last_name", "visited_on", "pk")
    )


def matched_volunteers(user: User) -> QuerySet[Volunteer]:
    """The volunteers who have worked with a family of the projects `user` manages, for
    the lists' "volunteer" filter."""
    matched = Match.objects.filter(in_managed_projects(user, "family__project"))
    return Volunteer.objects.filter(pk__in=matched.values("volunteer")).order_by(
        "last_name", "first_name", "pk"
    )


def visit_summary(family: Family) -> dict[str, Any]:
    """Counts for the family page: visits with contact, attempts, hours, last contact,
    and visits a week since the match started (the programme expects one or two)."""

    matches = list(family.matches.all())  # newest first; prefetched on the family page
    match = next((m for m in matches if m.ended_on is None), matches[0] if matches else None)
    logged = Visit.objects.filter(match__family=family, status=Visit.Status.LOGGED)
    summary = logged.aggregate(
        visits=Count("pk", filter=Q(contact_made=True)),
        attempts=Count("pk", filter=Q(contact_made=False)),
        minutes=Sum("duration_minutes", filter=Q(contact_made=True)),
        last_contact=Max("visited_on", filter=Q(contact_made=True)),
    )
    summary["hours"] = round((summary["minutes"] or 0) / 60, 1)
    summary["per_week"] = None
    if match is not None:
        end = match.ended_on or timezone.localdate()
        weeks = max((end - match.started_on).days / 7, 1)
        summary["per_week"] = round(summary["visits"] / weeks, 1)
    return summary


def family_changes(family: Family, limit: int = 30) -> list[FamilyChange]:
    """Edits of the family, its children and its goals, newest first: who, when, field,
    before → after."""

    rows: list[FamilyChange] = []
    histories = [
        ("Family", family.history.select_related("history_user").order_by("history_date")),
        (
            "Child",
            Child.history.filter(family_id=family.pk)
            .select_related("history_user")
            .order_by("id", "history_date"),
        ),
        (
            "Goal",
            Goal.history.filter(family_id=family.pk)
            .select_related("history_user")
            .order_by("id", "history_date"),
        ),
        (
            "Note",
            CaseNote.history.filter(family_id=family.pk)
            .select_related("history_user")
            .order_by("id", "history_date"),
        ),
    ]
    for label, records in histories:
        previous: dict[int, Any] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            what = {
                # A change made for a stated reason (a move to another project) says why.
                "Family": (
                    f"Family ({record.history_change_reason})"
                    if record.history_change_reason
                    else "Family"
                ),
                "Child": f"Child {getattr(record, 'first_name', '')}",
                "Goal": f"Goal “{Truncator(getattr(record, 'description', '')).words(6)}”",
                "Note": f"Note of {_as_written(getattr(record, 'happened_at', None))}",
            }[label]
            if record.history_type == "-":
                rows.append((record.history_date, record.history_user, what, "removed", "", ""))
            elif before is not None:
                for change in record.diff_against(before).changes:
                    field = record.instance._meta.get_field(change.field)
                    labels = dict(field.flatchoices) if field.choices else {}
                    if field.is_relation:
                        labels = _names_of(field.related_model, [change.old, change.new])
                    rows.append(
                        (
                            record.history_date,
                            record.history_user,
                            what,
                            field.verbose_name,
                            labels.get(change.old, change.old),
                            labels.get(change.new, change.new),
                        )
                    )
    rows.sort(key=lambda row: row[0], reverse=True)
    return rows[:limit]


def _names_of(model: Any, pks: list[Any]) -> dict[Any, str]:
    return {pk: str(obj) for pk, obj in model.objects.in_bulk([p for p in pks if p]).items()}


def active_match_of(user: User) -> Match | None:
    """The active match of a volunteer user, or None."""
    if not (user.is_authenticated and user.is_volunteer):
        return None
    return (
        Match.objects.filter(volunteer__user=user, ended_on=None, suspended_at=None)
        .select_related("family__project__safeguarding_lead", "volunteer")
        .first()
    )


# --- Home pages ----------------------------------------------------------------------------


def quiet_matches(matches: QuerySet[Match], *, on: datetime.date) -> QuerySet[Match]:
    """The active matches among `matches` with no visit *with contact* for
    VICP_NO_VISIT_ALERT_DAYS up to `on`, the longest silence first (never contacted last),
    each with `last_contact` (None if never) and `quiet_since`.

    A visit never precedes its match, so "no contact since" is the last contact, or the
    start of the match when there has been none: one probe of the contact index each.
    """
    since = on - datetime.timedelta(days=settings.VICP_NO_VISIT_ALERT_DAYS)
    last_contact = (
        Visit.objects.filter(match=OuterRef("pk"), status=Visit.Status.LOGGED, contact_made=True)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return (
        matches.filter(ended_on=None)
        .annotate(last_contact=Subquery(last_contact))
        .annotate(quiet_since=Coalesce("last_contact", "started_on"))
        .filter(quiet_since__lte=since)
        .select_related("family", "volunteer__user")
        .order_by(F("last_contact").asc(nulls_last=True), "started_on", "pk")
    )


def matches_reaching_their_length(
    matches: QuerySet[Match], *, on: datetime.date
) -> QuerySet[Match]:
    """Active matches that have run VICP_MATCH_WEEKS or more by `on`: time to plan the
    ending. Oldest first."""
    weeks = settings.VICP_MATCH_WEEKS
    return (
        matches.filter(ended_on=None, started_on__lte=on - datetime.timedelta(weeks=weeks))
        .select_related("family", "volunteer")
        .order_by("started_on", "pk")
    )


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    """The concerns `policy.may_see_concerns` lets this person read: their managed
    projects' (managers), the families they referred (social workers). Volunteers read
    none (they are told the status of their own: `concerns_raised_by`)."""
    if not user.is_authenticated or user.is_volunteer:
        return Concern.objects.none()
    concerns = Concern.objects.filter(family__in=families_visible_to(user))
    if user.is_admin:
        return concerns
    # As policy.reads_allegations: allegations only for the project's safeguarding leads.
    return concerns.filter(
        Q(kind=Concern.Kind.CHILD)
        | Q(family__project__safeguarding_lead=user)
        | Q(family__project__deputy_safeguarding_lead=user)
    )


def concerns_of(user: User, family: Family) -> QuerySet[Concern]:
    """The family's concerns this person may read (none for a volunteer), newest first."""
    return concerns_visible_to(user).filter(family=family).select_related("raised_by")


def for_visits_section(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """`visits` with what the family's Visits section lists of each: who logged it and
    whether a concern was raised with it (`raised_concern`). The match, family and
    volunteer are left out: the section already has them."""
    return (
        visits.select_related(None)
        .select_related("logged_by")
        .annotate(raised_concern=Exists(Concern.objects.filter(visit=OuterRef("pk"))))
    )


def concern_for_user(user: User, pk: int | str) -> Concern:
    """The concern with its family and log, if this person may read it; else 404."""
    concern = (
        concerns_visible_to(user)
        .select_related(
            "family__project__safeguarding_lead",
            "family__referral__social_worker",
            "subject",
            "visit",
            "raised_by",
            "acknowledged_by",
            "closed_by",
        )
        .prefetch_related(
            Prefetch("actions", ConcernAction.objects.select_related("recorded_by")),
            "family__matches__volunteer",
        )
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        audit_refusal(user, Concern, pk, "family__project")
        raise Http404("No such concern.")
    return concern


def subject_match(concern: Concern) -> Match | None:
    """The active match of the volunteer an allegation is about (suspended or not)."""
    if not (concern.is_allegation and concern.subject_id):
        return None
    return (
        Match.objects.filter(volunteer__user_id=concern.subject_id, ended_on=None)
        .select_related("family")
        .first()
    )


def _as_written(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return dates.moment(value)
    return str(value)


def concern_corrections(concern: Concern) -> list[dict[str, Any]]:
    """Corrections of what was recorded about a concern, oldest first: when, by whom, why,
    and each field before → after."""
    return _corrections(concern, Concern.CORRECTABLE_FIELDS)


def _corrections(record_of: Any, fields: Iterable[str]) -> list[dict[str, Any]]:
    model = type(record_of)
    corrections = []
    previous = None
    for record in record_of.history.select_related("history_user").order_by("history_date"):
        if previous is not None:
            changes = []
            for change in record.diff_against(previous, included_fields=list(fields)).changes:
                field = cast(Field, model._meta.get_field(change.field))
                labels = dict(field.flatchoices) if field.choices else {}
                old, new = (_as_written(labels.get(v, v)) for v in (change.old, change.new))
                changes.append((field.verbose_name, old, new))
            if changes:
                corrections.append(
                    {
                        "at": record.history_date,
                        "by": record.history_user,
                        "reason": record.history_change_reason,
                        "changes": changes,
                    }
                )
        previous = record
    return corrections


# --- Case notes --------------------------------------------------------------------------


def case_notes_visible_to(user: User) -> QuerySet[CaseNote]:
    """The notes `policy.may_read_note` lets this person read: every note of the projects
    they manage (managers), the unsensitive notes of the cases they are the social worker
    of; none for anyone else."""
    notes = CaseNote.objects.select_related("written_by")
    if not (user.is_authenticated and user.is_active):
        return notes.none()
    if user.is_admin or user.is_project_manager:
        return notes.filter(in_managed_projects(user, "family__project"))
    if user.is_social_worker:
        return notes.filter(
            family__in=families_visible_to(user).filter(referral__social_worker=user),
            sensitive=False,
        )
    return notes.none()


def case_notes_of(user: User, family: Family) -> QuerySet[CaseNote]:
    """The family's notes this person may read, the latest contact first."""
    return case_notes_visible_to(user).filter(family=family).order_by("-happened_at", "-pk")


def case_note_for_user(user: User, pk: int | str) -> CaseNote:
    """The note with its family if this person may read it; else 404."""
    note = (
        case_notes_visible_to(user)
        .select_related("family__project", "family__referral__social_worker")
        .filter(pk=pk)
        .first()
    )
    if note is None:
        audit_refusal(user, CaseNote, pk, "family__project")
        raise Http404("No such note.")
    return note


def case_note_corrections(note: CaseNote) -> list[dict[str, Any]]:
    """Corrections of a note, oldest first: when, by whom, why, each field before → after."""
    return _corrections(note, CaseNote.CORRECTABLE_FIELDS)


def case_notes_for_report(family: Family) -> QuerySet[CaseNote]:
    """The family's notes a report for its social worker lists (never the sensitive ones),
    in the order they happened."""
    return family.case_notes.filter(sensitive=False).order_by("happened_at", "pk")


def documents_for_report(family: Family) -> QuerySet[Document]:
    """The case's documents a report lists (not the deleted ones), in the order of the
    dates they are about: their titles and dates only, never their files."""
    return Document.objects.of(family).live().order_by("about_on", "pk")


def concerns_raised_by(user: User) -> QuerySet[Concern]:
    """What a volunteer is told of the concerns they raised: the case and the status."""
    return (
        Concern.objects.filter(raised_by=user)
        .select_related("family")
        .order_by("-raised_at", "-pk")
    )


def concern_register(user: User) -> QuerySet[Concern]:
    """Every concern this person may read, newest first, with what the register shows
    of each (for managers: their projects' concerns)."""
    return (
        concerns_visible_to(user)
        .select_related("family__project", "raised_by")
        .order_by("-raised_at", "-pk")
    )


def marking_overdue(concerns: Iterable[Concern]) -> list[Concern]:
    """`concerns`, each knowing whether `policy.is_overdue` says it is (`overdue`)."""
    now = timezone.now()
    concerns = list(concerns)
    for concern in concerns:
        concern.overdue = policy.is_overdue(concern, now)  # type: ignore[attr-defined]
    return concerns


OPEN_CONCERNS_ON_HOME = 20


def open_concerns_panel(user: User) -> dict[str, object]:
    """The open concerns this person may read, for the top of their home page: the
    unacknowledged first (the overdue marked), then the oldest."""
    concerns, more = first_rows(
        concerns_visible_to(user)
        .filter(closed_at=None)
        .select_related("family__project", "raised_by")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "raised_at", "pk"),
        OPEN_CONCERNS_ON_HOME,
    )
    return {"concerns": marking_overdue(concerns), "more": more}


def manager_home(user: User) -> dict[str, object]:
    """The families section of a manager's home page."""
    families = families_visible_to(user)
    today = timezone.localdate()
    matches = Match.objects.filter(family__in=families)
    quiet, quiet_more = first_rows(quiet_matches(matches, on=today))
    reaching, reaching_more = first_rows(matches_reaching_their_length(matches, on=today))
    return {
        "reaching": reaching,
        "reaching_more": reaching_more,
        "quiet_more": quiet_more,
        "match_weeks": settings.VICP_MATCH_WEEKS,
        "quiet_matches": quiet,
        "alert_days": settings.VICP_NO_VISIT_ALERT_DAYS,
        "awaiting": families.filter(status=Family.Status.AWAITING_MATCH).count(),
    }


def volunteer_home(user: User) -> dict[str, object]:
    """The volunteer's family, their unfinished drafts and their last visit."""
    match = active_match_of(user)
    raised = concerns_raised_by(user)[:5]
    if match is None:
        return {
            "match": None,
            "unfinished": volunteer_unfinished_drafts(user),
            "raised": raised,
            "suspended": Match.objects.filter(
                volunteer__user=user, ended_on=None, suspended_at__isnull=False
            ).exists(),
        }
    visits = Visit.objects.filter(match=match, logged_by=user)
    return {
        "match": match,
        "raised": raised,
        "drafts": visits.filter(status=Visit.Status.DRAFT),
        "last_visit": visits.filter(status=Visit.Status.LOGGED).first(),
        "unfinished": volunteer_unfinished_drafts(user),
    }


def volunteer_unfinished_drafts(user: User) -> QuerySet[Visit]:
    """Drafts the volunteer could not finish because their match ended (for their home
    page: they are told, though they no longer see the visit)."""
    return (
        Visit.objects.filter(logged_by=user, status=Visit.Status.UNFINISHED)
        .select_related("match__family")
        .order_by("-visited_on", "-pk")
    )


def unfinished_drafts(family: Family) -> QuerySet[Visit]:
    """Drafts of the family's ended matches, for a manager to finish or discard."""
    return (
        Visit.objects.filter(match__family=family, status=Visit.Status.UNFINISHED)
        .select_related("logged_by", "match")
        .order_by("visited_on", "pk")
    )


# --- Search ---------------------------------------------------------------------------


def family_ids_matching(
    query: str, within: QuerySet[Family] | None = None
) -> QuerySet[Family, int]:
    """The cases whose reference, family name, parents' or children's names, or
    postcode match `query`: each condition through its own index (the family's columns
    in one part of the query, the children's in another).

    `within` (all cases if None) narrows the family's columns' part only: a person's own
    cases (`families_visible_to`) let a manager's search recheck the names of their
    projects' cases alone. The children's part still finds children of any case, so
    what this gives must still be read among what the person may see."""
    return search.ids_matching(
        (Family.objects.all() if within is None else within)
        .filter(
            Q(case_reference__icontains=query)
            | search.names_matching(query, "family_name")
            | search.text_matching(query, "parents_carers")
            | search.postcode_matching(query)
        )
        .values_list("pk", flat=True),
        Child.objects.filter(search.person_matching(query, "first_name", "last_name")).values_list(
            "family_id", flat=True
        ),
    )


def search_families(user: User, query: str) -> QuerySet[Family]:
    """The cases this person may see that match `query` (the closest names first):
    the matching cases are found first, then what this person may see is read among
    them."""
    visible = families_visible_to(user)
    families = visible.filter(search.among(family_ids_matching(query, within=visible)))
    if search.fuzzy():
        return families.annotate(rank=TrigramWordSimilarity(query, "family_name")).order_by(
            "-rank", "-accepted_on", "-pk"
        )
    return families.order_by("-accepted_on", "-pk")
