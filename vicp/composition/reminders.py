"""The daily reminders and the weekly digest (run by Celery beat; see tasks.py beside this module).

Each reminder has a key naming the situation it is about (a match's silence
since a given day, a DBS check's re-check date...), so running the job again,
or tomorrow, sends nothing new until the situation itself changes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from families.models import Match, Visit
from families.selectors import matches_reaching_their_length, quiet_matches
from outcomes.selectors import evaluations_awaiting
from referrals.selectors import decision_queue, working_days_between
from vicp import dates
from vicp.models import SentReminder, User
from vicp.permissions import projects_managed_by
from volunteers.selectors import dbs_renewals, supervision_overdue


@dataclass
class Item:
    kind: str
    key: str
    text: str


def manager_items(manager, today):
    projects = projects_managed_by(manager)
    matches = Match.objects.filter(family__project__in=projects)
    items = []
    for match in quiet_matches(matches, on=today):
        since = match.last_contact or match.started_on
        items.append(
            Item(
                "no_visit",
                f"{match.pk}:{since.isoformat()}",
                f"Case {match.family.case_reference} with {match.volunteer.full_name}: "
                f"no visit with contact since {dates.day(since)}.",
            )
        )
    weeks = settings.VICP_MATCH_WEEKS
    for match in matches_reaching_their_length(matches, on=today):
        items.append(
            Item(
                "match_weeks",
                str(match.pk),
                f"Case {match.family.case_reference} with {match.volunteer.full_name} has reached "
                f"{weeks} weeks (started {dates.day(match.started_on)}): time to plan the ending.",
            )
        )
    for volunteer in supervision_overdue(manager, on=today):
        items.append(
            Item(
                "supervision",
                f"{volunteer.pk}:{volunteer.supervision_due_on.isoformat()}",
                f"Supervision with {volunteer.full_name} was due on "
                f"{dates.day(volunteer.supervision_due_on)}.",
            )
        )
    for row in dbs_renewals(manager, on=today):
        state = "has lapsed" if row["status"] == "lapsed" else "is due for renewal"
        items.append(
            Item(
                "dbs",
                f"{row['volunteer'].pk}:{row['recheck_on'].isoformat()}:{row['status']}",
                f"{row['volunteer'].full_name}'s DBS check {state} (re-check by "
                f"{dates.day(row['recheck_on'])}).",
            )
        )
    for referral in decision_queue(manager):
        waited = working_days_between(timezone.localdate(referral.submitted_at), today)
        if waited >= 5:
            items.append(
                Item(
                    "referral_waiting",
                    str(referral.pk),
                    f"Referral {referral.pk} has waited {waited} working days for a decision.",
                )
            )
    items.extend(_evaluation_items(manager, today))
    return items


def _evaluation_items(user, today):
    """Evaluations still missing a week after the case closed, for whoever is asked for
    them (managers: any of the three, to chase)."""
    rows = evaluations_awaiting(user, on=today, reminders=True)
    return [
        Item(
            "evaluation_missing",
            f"{family.pk}:{','.join(missing)}",
            f"Case {family.case_reference} closed on {dates.day(family.closed_on)}: "
            f"evaluation still missing from {', '.join(m.lower() for m in missing)}.",
        )
        for family, missing in rows
    ]


def social_worker_items(social_worker, today):
    return _evaluation_items(social_worker, today)


def volunteer_items(volunteer_user, today):
    items = _evaluation_items(volunteer_user, today)
    for match in quiet_matches(Match.objects.filter(volunteer__user=volunteer_user), on=today):
        since = match.last_contact or match.started_on
        items.append(
            Item(
                "no_visit_volunteer",
                f"{match.pk}:{since.isoformat()}",
                f"It is {(today - since).days} days since you last saw the family "
                f"({match.family.case_reference}). If something is getting in the way, "
                "talk to your project manager.",
            )
        )
    return items


def _send_new(recipient, items, subject):
    """Email the items not sent before, then remember them."""
    new = [
        item
        for item in items
        if not SentReminder.objects.filter(
            kind=item.kind, key=item.key, recipient=recipient
        ).exists()
    ]
    if not new:
        return 0
    body = render_to_string(
        "emails/reminders.txt",
        {"recipient": recipient, "items": new, "link": settings.VICP_BASE_URL},
    )
    send_mail(subject, body, None, [recipient.email])
    for item in new:
        try:
            with transaction.atomic():
                SentReminder.objects.create(kind=item.kind, key=item.key, recipient=recipient)
        except IntegrityError:  # another run got there first
            pass
    return len(new)


def send_daily_reminders(today=None):
    """Email each project manager and each matched volunteer what needs attention."""
    today = today or timezone.localdate()
    sent = 0
    for manager in User.objects.filter(role=User.Role.PROJECT_MANAGER, is_active=True):
        sent += _send_new(
            manager, manager_items(manager, today), "ViCP: things that need you today"
        )
    volunteers = User.objects.filter(
        role=User.Role.VOLUNTEER, is_active=True, volunteer_record__matches__isnull=False
    ).distinct()
    for volunteer in volunteers:
        sent += _send_new(
            volunteer, volunteer_items(volunteer, today), "ViCP: a reminder from your project"
        )
    for social_worker in User.objects.filter(role=User.Role.SOCIAL_WORKER, is_active=True):
        sent += _send_new(
            social_worker,
            social_worker_items(social_worker, today),
            "ViCP: an evaluation is waiting for you",
        )
    return sent


def send_weekly_digest(today=None):
    """Each project manager: every active match's latest visit, once a week."""

    today = today or timezone.localdate()
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    latest_visit = Visit.objects.filter(match=OuterRef("pk"), status=Visit.Status.LOGGED).order_by(
        "-visited_on", "-pk"
    )
    sent = 0
    for manager in User.objects.filter(role=User.Role.PROJECT_MANAGER, is_active=True):
        matches = (
            Match.objects.filter(family__project__in=projects_managed_by(manager), ended_on=None)
            .annotate(
                latest_on=Subquery(latest_visit.values("visited_on")[:1]),
                latest_contact=Subquery(latest_visit.values("contact_made")[:1]),
            )
            .select_related("family", "volunteer")
            .order_by("family__case_reference")
        )
        if (
            not matches
            or SentReminder.objects.filter(
                kind="weekly_digest", key=week, recipient=manager
            ).exists()
        ):
            continue
        body = render_to_string(
            "emails/weekly_digest.txt", {"manager": manager, "matches": matches, "week": week}
        )
        send_mail(f"ViCP weekly digest {week}", body, None, [manager.email])
        SentReminder.objects.get_or_create(kind="weekly_digest", key=week, recipient=manager)
        sent += 1
    return sent
