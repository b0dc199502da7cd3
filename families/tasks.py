import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from vicp.models import Project, User
from vicp.tasks import EMAIL_RETRY

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


@shared_task(**CONCERN_RETRY)
def notify_concern(concern_id):
    """Tell the project's managers and the family's social worker, at once.

    The email names no one: it says a concern was raised and links to it.
    """
    concern = (
        Concern.objects.select_related("family__project", "family__referral__social_worker")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        return
    family = concern.family
    recipients = list(
        family.project.managers.filter(is_active=True).values_list("email", flat=True)
    )
    recipients += social_worker_address(family)
    if not recipients:
        return
    body = render_to_string(
        "emails/concern_raised.txt",
        {
            "concern": concern,
            "family": family,
            "link": _family_link(family),
        },
    )
    send_mail(f"Safeguarding concern raised: case {family.case_reference}", body, None, recipients)


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
