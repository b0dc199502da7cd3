import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from vicp import audit
from vicp.models import Project, User
from vicp.tasks import EMAIL_RETRY

from . import policy
from .mileage import claim_amount_pence, mileage_rates
from .models import Concern, Family, Match, Visit

logger = logging.getLogger(__name__)

# A concern about a child is retried until it is sent: about a day of attempts.
CONCERN_RETRY = {**EMAIL_RETRY, "max_retries": 150}


def social_worker_address(family):
    """The family's social worker: their account's address while it is active, else the
    address the referral gave (a list of zero or one)."""
    social_worker = family.referral.social_worker
    if social_worker is not None and social_worker.is_active:
        return [social_worker.email]
    return [family.referral.referrer_email] if family.referral.referrer_email else []


def _family_link(family):
    return settings.VICP_BASE_URL + reverse("families:detail", args=[family.pk])


def _concern(concern_id):
    return (
        Concern.objects.select_related(
            "family__project__safeguarding_lead",
            "family__project__deputy_safeguarding_lead",
            "family__referral__social_worker",
        )
        .filter(pk=concern_id)
        .first()
    )


def _addresses(*people):
    """The email addresses of the active people among `people` (None is skipped), each once,
    in order."""
    seen = {}
    for person in people:
        if person is not None and person.is_active and person.email:
            seen.setdefault(person.email.lower(), person.email)
    return list(seen.values())


def _what(concern):
    return "Allegation (position of trust)" if concern.is_allegation else "Safeguarding concern"


def _administrators():
    return User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk")


def _concern_email(concern, template, subject, recipients):
    if not recipients:
        logger.error("Concern %s has nobody to tell (%s).", concern.pk, template)
        return
    body = render_to_string(
        template, {"concern": concern, "family": concern.family, "link": _concern_link(concern)}
    )
    send_mail(subject, body, None, recipients)


def _concern_link(concern):
    return settings.VICP_BASE_URL + reverse("families:concern", args=[concern.pk])


@shared_task(**CONCERN_RETRY)
def notify_concern(concern_id):
    """Tell the project's safeguarding lead, its managers and the family's social worker,
    at once.

    The email names no one: it gives the case reference and links to the concern."""
    concern = _concern(concern_id)
    if concern is None:
        return
    project = concern.family.project
    if concern.is_allegation:
        # Never the managers at large nor the social worker: the person concerned may be
        # one of them, and the leads decide who else is told (the LADO first).
        recipients = _addresses(
            project.safeguarding_lead, project.deputy_safeguarding_lead, *_administrators()
        )
    else:
        recipients = _addresses(project.safeguarding_lead, *project.managers.all())
        recipients += [
            address
            for address in social_worker_address(concern.family)
            if address.lower() not in {known.lower() for known in recipients}
        ]
    danger = " (a child may be in immediate danger)" if concern.immediate_danger else ""
    _concern_email(
        concern,
        "emails/concern_raised.txt",
        f"{_what(concern)} raised{danger}: case {concern.family.case_reference}",
        recipients,
    )


@shared_task(**CONCERN_RETRY)
def notify_concern_escalated(concern_id):
    """Tell the deputy safeguarding lead and every manager of the project that a concern
    has not been acknowledged in time."""
    concern = _concern(concern_id)
    if concern is None or not concern.is_open or concern.acknowledged_at is not None:
        return
    project = concern.family.project
    _concern_email(
        concern,
        "emails/concern_escalated.txt",
        f"Not yet acknowledged: {_what(concern).lower()}, case {concern.family.case_reference}",
        _addresses(
            project.deputy_safeguarding_lead,
            *(_administrators() if concern.is_allegation else project.managers.all()),
        ),
    )


@shared_task
def escalate_unacknowledged_concerns():
    """Escalate every concern not acknowledged in time (beat runs this every few minutes).

    Each concern is marked with one conditional update before its email is queued, so two
    runs at once escalate it once."""
    now = timezone.now()
    escalated = []
    due = policy.overdue(Concern.objects.filter(escalated_at=None), now)
    for concern in due.select_related("family__project"):
        if Concern.objects.filter(pk=concern.pk, escalated_at=None).update(escalated_at=now):
            audit.record("concern.escalated", obj=concern, project=concern.family.project)
            escalated.append(concern.pk)
            notify_concern_escalated.delay(concern.pk)
    return escalated


def _match(match_id):
    return (
        Match.objects.select_related(
            "family__project", "family__referral__social_worker", "volunteer__user"
        )
        .filter(pk=match_id)
        .first()
    )


@shared_task(**EMAIL_RETRY)
def notify_match_started(match_id):
    """Tell the volunteer, and the family's social worker, that the match has started.

    The social worker's email names the case reference only."""
    match = _match(match_id)
    if match is None:
        return
    if match.volunteer.user is not None:
        body = render_to_string(
            "emails/match_started.txt",
            {"match": match, "link": settings.VICP_BASE_URL + reverse("vicp:home")},
        )
        send_mail("You have been matched with a family", body, None, [match.volunteer.user.email])
    if recipients := social_worker_address(match.family):
        body = render_to_string(
            "emails/match_started_social_worker.txt",
            {"match": match, "family": match.family, "link": _family_link(match.family)},
        )
        send_mail(
            f"A volunteer is working with case {match.family.case_reference}",
            body,
            None,
            recipients,
        )


@shared_task(**EMAIL_RETRY)
def notify_match_ended(match_id):
    """Tell the volunteer and the family's social worker that the match has ended.

    The emails name the case reference only."""
    match = _match(match_id)
    if match is None:
        return
    subject = f"The volunteer's work with case {match.family.case_reference} has ended"
    context = {"match": match, "family": match.family}
    if match.volunteer.user is not None and match.volunteer.user.is_active:
        body = render_to_string(
            "emails/match_ended_volunteer.txt",
            {**context, "link": settings.VICP_BASE_URL + reverse("vicp:home")},
        )
        send_mail(subject, body, None, [match.volunteer.user.email])
    if recipients := social_worker_address(match.family):
        body = render_to_string(
            "emails/match_ended_social_worker.txt",
            {**context, "link": _family_link(match.family)},
        )
        send_mail(subject, body, None, recipients)


@shared_task(**EMAIL_RETRY)
def notify_case_handed_over(family_id):
    """Tell the social worker who now holds the case (its reference only)."""
    family = (
        Family.objects.select_related("project", "referral__social_worker")
        .filter(pk=family_id)
        .first()
    )
    if family is None or not (recipients := social_worker_address(family)):
        return
    body = render_to_string(
        "emails/case_handed_over.txt", {"family": family, "link": _family_link(family)}
    )
    send_mail(f"You now hold case {family.case_reference}", body, None, recipients)


@shared_task(**EMAIL_RETRY)
def notify_case_moved(family_id, from_project_id):
    """Tell the new project's managers and the family's social worker that the case has
    moved (its reference and the two projects only)."""
    family = (
        Family.objects.select_related("project", "referral__social_worker")
        .filter(pk=family_id)
        .first()
    )
    if family is None:
        return
    recipients = list(
        family.project.managers.filter(is_active=True).values_list("email", flat=True)
    )
    recipients += social_worker_address(family)
    if not recipients:
        return
    from_project = Project.objects.filter(pk=from_project_id).first()
    body = render_to_string(
        "emails/case_moved.txt",
        {"family": family, "from_project": from_project, "link": _family_link(family)},
    )
    send_mail(
        f"Case {family.case_reference} has moved to {family.project.name}",
        body,
        None,
        recipients,
    )


@shared_task(**EMAIL_RETRY)
def notify_claims_paid(user_id, visit_ids):
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    visits = Visit.objects.filter(pk__in=visit_ids).select_related("match__family__project")
    rates = mileage_rates()
    total = sum(claim_amount_pence(v, rates) or 0 for v in visits)
    body = render_to_string(
        "emails/claims_paid.txt",
        {"user": user, "visits": visits, "total": f"£{total / 100:.2f}"},
    )
    send_mail("Your mileage has been paid", body, None, [user.email])


@shared_task(**EMAIL_RETRY)
def notify_case_closed(family_id):
    """Tell the family's social worker that the case has closed, naming only its case
    reference (no family details leave ViCP by email)."""
    family = (
        Family.objects.select_related("project", "referral__social_worker")
        .filter(pk=family_id, status=Family.Status.CLOSED)
        .first()
    )
    if family is None or not (recipients := social_worker_address(family)):
        return
    body = render_to_string(
        "emails/case_closed.txt", {"family": family, "link": _family_link(family)}
    )
    send_mail(f"Case {family.case_reference} has closed", body, None, recipients)
