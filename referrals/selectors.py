"""What each person may see of referrals."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from vicp import search
from vicp.models import User
from vicp.permissions import get_object_for_user, visible_to

from .models import Referral, ReferralChild
from .services import CORRECTABLE_FIELDS


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Social workers: the referrals they made. Managers: their projects' referrals,
    except other people's drafts. Admins: every referral but other people's drafts."""
    referrals = visible_to(
        user,
        Referral.objects.select_related("project", "social_worker", "level_of_need"),
        "referrals.view_referral",
    )
    if user.is_authenticated and (user.is_project_manager or user.is_admin):
        referrals = referrals.exclude(Q(status=Referral.Status.DRAFT) & ~Q(created_by=user))
    return referrals


def referral_for_user(user: User, pk: int | str) -> Referral:
    return get_object_for_user(
        user,
        referrals_visible_to(user).prefetch_related(
            "children__cp_category", "needs", "risks", "status_changes__by"
        ),
        pk,
        "referrals.view_referral",
    )


def decision_queue(user: User) -> QuerySet[Referral]:
    """Referrals waiting for a decision in the projects `user` manages, oldest first."""
    if not (user.is_project_manager or user.is_admin):
        return Referral.objects.none()
    return (
        referrals_visible_to(user)
        .filter(status__in=Referral.OPEN)
        .select_related(None)
        .select_related("project")  # all the queue shows of what the referral points to
        .order_by("submitted_at", "pk")
    )


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def queue_summary(user: User) -> dict[str, object]:
    """The manager's home: how many referrals wait for a decision, and the oldest."""
    queue = decision_queue(user)
    return {"waiting": queue.count(), "oldest": queue.first()}


def all_referrals(user: User) -> QuerySet[Referral]:
    """Every referral a manager may see (their projects; admins all), newest first, with
    what the list shows of each: its project, its children and the case it became; and,
    to sort by, when a referral still waiting for a decision was received
    (`waiting_since`, None once it is decided) and its status's place in the list of
    statuses (`status_position`)."""
    if not (user.is_authenticated and (user.is_project_manager or user.is_admin)):
        return Referral.objects.none()
    positions = [
        When(status=status.value, then=Value(n)) for n, status in enumerate(Referral.Status)
    ]
    return (
        referrals_visible_to(user)
        .select_related(None)
        .select_related("project", "family")
        .prefetch_related("children")
        .annotate(
            waiting_since=Case(When(status__in=Referral.OPEN, then=F("submitted_at"))),
            status_position=Case(*positions, output_field=IntegerField()),
        )
        .order_by("-created_at", "-pk")
    )


def days_waiting(referral: Referral, *, on: datetime.date | None = None) -> int | None:
    """Days from the day a referral was received to `on` (today), while it waits for a
    decision; None once it is decided, withdrawn, or if it is a draft."""
    if referral.status not in Referral.OPEN or referral.submitted_at is None:
        return None
    on = on or timezone.localdate()
    return (on - timezone.localdate(referral.submitted_at)).days


@dataclass(frozen=True)
class FieldChange:
    at: datetime.datetime
    by: User | None
    field: str
    before: str
    after: str


def referral_changes(referral: Referral) -> list[FieldChange]:
    """Corrections of the referral's own record since it was submitted, newest first:
    who, when, field, before → after (from its change history)."""
    records = referral.history.select_related("history_user").order_by("history_date", "pk")
    labels = {field.name: str(field.verbose_name) for field in Referral._meta.concrete_fields}
    changes: list[FieldChange] = []
    before = None
    for record in records:
        if before is not None and Referral.Status.DRAFT not in (before.status, record.status):
            for change in record.diff_against(before, included_fields=CORRECTABLE_FIELDS).changes:
                changes.append(
                    FieldChange(
                        at=record.history_date,
                        by=record.history_user,
                        field=labels[change.field],
                        before=str(change.old or ""),
                        after=str(change.new or ""),
                    )
                )
        before = record
    changes.reverse()
    return changes


def search_referrals(user: User, query: str) -> QuerySet[Referral]:
    """The referrals this person may see whose number, family name, parents' or
    children's names, or postcode match `query`, newest first (the matches found first,
    each through its index; what this person may see then read among them)."""
    number = query.removeprefix("#").strip()
    condition = (
        search.names_matching(query, "family_name")
        | search.text_matching(query, "parents_carers")
        | search.postcode_matching(query)
    )
    if number.isdigit() and len(number) < 12:
        condition |= Q(pk=int(number))
    visible = referrals_visible_to(user)
    # The referral's own columns are searched among this person's referrals only (fewer
    # names to recheck); the children's part finds any referral, so the matches are
    # then read among the visible ones.
    matching = search.ids_matching(
        visible.filter(condition).values_list("pk", flat=True),
        ReferralChild.objects.filter(
            search.person_matching(query, "first_name", "last_name")
        ).values_list("referral_id", flat=True),
    )
    return visible.filter(search.among(matching)).order_by("-created_at", "-pk")
