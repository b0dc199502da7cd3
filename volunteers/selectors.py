"""What each person may see of recruitment records."""

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from vicp import search
from vicp.models import User
from vicp.permissions import get_object_for_user, granted, projects_managed_by, visible_to
from vicp.selectors import first_rows

from . import services
from .models import (
    DBSCheck,
    Interview,
    Reference,
    Stage,
    Supervision,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerStageChange,
)


def volunteers_visible_to(user: User) -> QuerySet[Volunteer]:
    """Recruitment records: managers see their projects', admins all. A volunteer's
    grant on their own record is only used by `own_volunteer_record`."""
    if not (user.is_authenticated and (user.is_admin or user.is_project_manager)):
        return Volunteer.objects.none()
    return visible_to(
        user, Volunteer.objects.select_related("project"), "volunteers.view_volunteer"
    )


def volunteer_for_record_page(user: User, pk: int | str) -> Volunteer:
    queryset = (
        volunteers_visible_to(user)
        .select_related("user", "signed_off_by")
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.select_related("recorded_by", "withdrawn_by"),
            ),
            Prefetch(
                "dbs_checks",
                queryset=DBSCheck.objects.select_related(
                    "recorded_by", "disclosure_accepted_by", "withdrawn_by"
                ),
            ),
            Prefetch(
                "references",
                queryset=Reference.objects.select_related(
                    "recorded_by", "acknowledged_by", "withdrawn_by"
                ),
            ),
            Prefetch(
                "training_attendances",
                queryset=TrainingAttendance.objects.select_related(
                    "session", "recorded_by", "withdrawn_by"
                ),
            ),
            Prefetch("supervisions", queryset=Supervision.objects.select_related("recorded_by")),
            Prefetch("stage_changes", queryset=VolunteerStageChange.objects.select_related("by")),
        )
    )
    return get_object_for_user(user, queryset, pk, "volunteers.view_volunteer")


def own_volunteer_record(user: User) -> Volunteer | None:
    """A volunteer's own record, through the grant made at sign-off; None if none."""
    if not (user.is_authenticated and user.is_volunteer):
        return None
    records = granted(
        user,
        "volunteers.view_volunteer",
        Volunteer.objects.filter(user=user).select_related("project"),
    )
    return records.prefetch_related(
        Prefetch(
            "training_attendances",
            queryset=TrainingAttendance.objects.filter(withdrawn_at=None)
            .select_related("session")
            .order_by("session__held_on", "pk"),
        ),
        Prefetch("supervisions", queryset=Supervision.objects.order_by("-held_on", "-pk")),
        Prefetch(
            "dbs_checks",
            queryset=DBSCheck.objects.filter(withdrawn_at=None).order_by("-issued_on", "-pk"),
        ),
    ).first()


LATEST_DBS_ISSUED_ON = "latest_dbs_issued_on"


def with_latest_dbs(queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Each volunteer with the issue date of the DBS check that counts (the newest not
    withdrawn; None if none) as `latest_dbs_issued_on`."""
    if LATEST_DBS_ISSUED_ON in queryset.query.annotations:
        return queryset
    latest = DBSCheck.objects.filter(volunteer=OuterRef("pk"), withdrawn_at=None).order_by(
        "-issued_on", "-pk"
    )
    return queryset.annotate(**{LATEST_DBS_ISSUED_ON: Subquery(latest.values("issued_on")[:1])})


def dbs_rechecks(
    queryset: QuerySet[Volunteer], *, by: datetime.date, after: datetime.date | None = None
) -> QuerySet[Volunteer]:
    """The volunteers whose DBS is followed (services.DBS_RENEWED) and whose latest
    check's re-check date is after `after` (if given) and on or before `by`."""
    # By name: the type checker does not see the annotation of `with_latest_dbs`.
    issued_on = LATEST_DBS_ISSUED_ON
    rows = with_latest_dbs(queryset).filter(
        stage__in=services.DBS_RENEWED,
        **{f"{issued_on}__lte": services.last_issue_rechecked_by(by)},
    )
    if after is not None:
        rows = rows.filter(**{f"{issued_on}__gt": services.last_issue_rechecked_by(after)})
    return rows


def dbs_renewal_due(
    queryset: QuerySet[Volunteer], *, on: datetime.date | None = None
) -> QuerySet[Volunteer]:
    """Volunteers whose DBS renewal is due on `on` or whose DBS has lapsed."""
    on = on or timezone.localdate()
    return dbs_rechecks(queryset, by=services.dbs_renewal_due_by(on))


def dbs_lapsed(
    queryset: QuerySet[Volunteer], *, on: datetime.date | None = None
) -> QuerySet[Volunteer]:
    """Volunteers whose DBS is past its re-check date on `on`."""
    on = on or timezone.localdate()
    return dbs_rechecks(queryset, by=on - datetime.timedelta(days=1))


def dbs_recheck_within(
    queryset: QuerySet[Volunteer], days: int, *, on: datetime.date | None = None
) -> QuerySet[Volunteer]:
    """Volunteers whose DBS re-check date is from `on` to `days` days later."""
    on = on or timezone.localdate()
    return dbs_rechecks(
        queryset, after=on - datetime.timedelta(days=1), by=on + datetime.timedelta(days=days)
    )


def board_queryset(user: User) -> QuerySet[Volunteer]:
    """The board: the manager's volunteers, each with its latest DBS check's issue date
    and its stage's place in the pipeline (`stage_position`), longest at a stage first."""
    positions = [When(stage=stage.value, then=Value(n)) for n, stage in enumerate(Stage)]
    return (
        with_latest_dbs(volunteers_visible_to(user))
        .annotate(stage_position=Case(*positions, output_field=IntegerField()))
        .order_by("stage_changed_at", "pk")
    )


def with_recheck_dates(volunteers: Iterable[Volunteer]) -> list[Volunteer]:
    """The volunteers of `with_latest_dbs`, each with its DBS re-check date as
    `dbs_recheck_on` (None with no check)."""
    rows = list(volunteers)
    for volunteer in rows:
        issued_on = getattr(volunteer, LATEST_DBS_ISSUED_ON)
        # For the page and the export, not a field.
        volunteer.dbs_recheck_on = (  # type: ignore[attr-defined]
            services.recheck_date(issued_on) if issued_on else None
        )
    return rows


def stage_counts(queryset: QuerySet[Volunteer]) -> list[tuple[Stage, int]]:
    counts = dict(
        queryset.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return [(stage, counts.get(stage.value, 0)) for stage in Stage]


def training_sessions_visible_to(user: User) -> QuerySet[TrainingSession]:
    projects = projects_managed_by(user)
    return TrainingSession.objects.filter(project__in=projects).select_related("project")


def training_session_list(user: User) -> QuerySet[TrainingSession]:
    """The sessions of this manager's projects, newest first, each with `attended`: the
    volunteers recorded as attending it (a withdrawn record does not count)."""
    attended = (
        TrainingAttendance.objects.filter(session=OuterRef("pk"), withdrawn_at=None)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        training_sessions_visible_to(user)
        .annotate(attended=Coalesce(Subquery(attended), 0))
        .order_by("-held_on", "-pk")
    )


def supervision_overdue(user: User, *, on: datetime.date | None = None) -> list[Volunteer]:
    """Signed-off volunteers of the manager's projects whose supervision is overdue."""
    on = on or timezone.localdate()
    interval = services.supervision_interval()
    latest = Supervision.objects.filter(volunteer=OuterRef("pk")).order_by("-held_on", "-pk")
    # Due on the last supervision's "next due" date, or an interval after sign-off if
    # there has been none: chosen in the database, so only the overdue rows come back.
    rows = (
        volunteers_visible_to(user)
        .filter(stage__in=services.SIGNED_OFF)
        .annotate(latest_next_due=Subquery(latest.values("next_due")[:1]))
        .filter(
            Q(latest_next_due__lt=on) | Q(latest_next_due=None, signed_off_on__lt=on - interval)
        )
    )
    overdue: list[Volunteer] = []
    for volunteer in rows:
        # For the page, not a field. Never supervised means signed off (the filter above).
        volunteer.supervision_due_on = volunteer.latest_next_due or (  # type: ignore[attr-defined]
            volunteer.signed_off_on + interval  # type: ignore[operator]
        )
        overdue.append(volunteer)
    return overdue


class DBSRenewal(TypedDict):
    volunteer: Volunteer
    status: str
    recheck_on: datetime.date


def dbs_renewals(user: User, *, on: datetime.date | None = None) -> list[DBSRenewal]:
    """Latest DBS checks of active volunteers that are due for renewal or lapsed."""
    on = on or timezone.localdate()
    due = dbs_renewal_due(volunteers_visible_to(user), on=on)
    checks = (
        DBSCheck.objects.filter(volunteer__in=due.values("pk"), withdrawn_at=None)
        .select_related("volunteer__project")
        .order_by("volunteer_id", "-issued_on", "-pk")
    )
    latest: dict[int, DBSCheck] = {}
    for check in checks:
        latest.setdefault(check.volunteer_id, check)
    rows: list[DBSRenewal] = [
        {
            "volunteer": check.volunteer,
            "status": services.dbs_status(check, on=on),
            "recheck_on": services.dbs_recheck_on(check),
        }
        for check in latest.values()
    ]
    return sorted(rows, key=lambda row: row["recheck_on"])


def recruitment_summary(user: User) -> dict[str, object]:
    """The manager's home: volunteers at each stage, overdue supervision, DBS renewals."""
    overdue = sorted(
        supervision_overdue(user),
        key=lambda v: v.supervision_due_on,  # type: ignore[attr-defined]  # set by supervision_overdue
    )
    overdue, overdue_more = first_rows(overdue)
    renewals, renewals_more = first_rows(dbs_renewals(user))
    return {
        "stage_counts": stage_counts(volunteers_visible_to(user)),
        "supervision_overdue": overdue,
        "supervision_overdue_more": overdue_more,
        "dbs_renewals": renewals,
        "dbs_renewals_more": renewals_more,
    }


def my_record_summary(user: User) -> dict[str, object]:
    """The volunteer's home: their training hours and when supervision is next due."""
    volunteer = own_volunteer_record(user)
    if volunteer is None:
        return {"volunteer": None}
    initial = [a for a in volunteer.training_attendances.all() if a.session.kind == "initial"]
    return {
        "volunteer": volunteer,
        "hours_done": sum((a.hours for a in initial), start=0),
        "hours_required": services.required_training_hours(),
        "next_supervision_due": services.next_supervision_due(
            volunteer, list(volunteer.supervisions.all())
        ),
    }


VolunteerChange = tuple[datetime.datetime, User | None, str, Any, Any]


def volunteer_changes(volunteer: Volunteer, limit: int = 30) -> list[VolunteerChange]:
    """Corrections of the applicant's own details, newest first: when, who, field,
    before → after. For the volunteer's managers only."""
    rows: list[VolunteerChange] = []
    before = None
    fields = set(services.DETAIL_FIELDS)
    for record in volunteer.history.select_related("history_user").order_by("history_date", "pk"):
        if before is not None:
            for change in record.diff_against(before, included_fields=fields).changes:
                field = Volunteer._meta.get_field(change.field)
                labels = dict(field.flatchoices) if field.choices else {}  # type: ignore[union-attr]
                rows.append(
                    (
                        record.history_date,
                        record.history_user,
                        str(field.verbose_name).capitalize(),  # type: ignore[union-attr]
                        labels.get(change.old, change.old),
                        labels.get(change.new, change.new),
                    )
                )
        before = record
    rows.sort(key=lambda row: row[0], reverse=True)
    return rows[:limit]


def search_volunteers(user: User, query: str) -> QuerySet[Volunteer]:
    """The recruitment records this person may see whose names or email match `query`
    (the closest names first on PostgreSQL)."""
    volunteers = volunteers_visible_to(user).filter(
        search.person_matching(query, "first_name", "last_name") | Q(email__icontains=query)
    )
    if search.fuzzy():
        return volunteers.annotate(
            rank=TrigramWordSimilarity(query, Concat("first_name", Value(" "), "last_name"))
        ).order_by("-rank", "last_name", "pk")
    return volunteers.order_by("last_name", "first_name", "pk")
