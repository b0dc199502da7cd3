import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from vicp.models import User
from vicp.tasks import EMAIL_RETRY

from .mileage import claim_amount_pence, mileage_rates
from .models import Concern, Family, Match, Visit

logger = logging.getLogger(__name__)

# A concern about a child is retried until it is sent: about a day of attempts.
CONCERN_RETRY = {**EMAIL_RETRY, "max_retries": 150}


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
    social_worker = family.referral.social_worker
    if social_worker and social_worker.is_active:
        recipients.append(social_worker.email)
    elif family.referral.referrer_email:
        recipients.append(family.referral.referrer_email)
    if not recipients:
        return
    body = render_to_string(
        "emails/concern_raised.txt",
        {
            "concern": concern,
            "family": family,
            "link": settings.VICP_BASE_URL + reverse("families:detail", args=[family.pk]),
        },
    )
    send_mail(f"Safeguarding concern raised: case {family.case_reference}", body, None, recipients)


@shared_task(**EMAIL_RETRY)
def notify_case_closed(family_id):
    """Tell the family's social worker that the case has closed, naming only its case
    reference (no family details leave ViCP by email)."""
    family = (
        Family.objects.select_related("project", "referral__social_worker")
        .filter(pk=family_id, status=Family.Status.CLOSED)
        .first()
    )
    if family is None:
        return
    social_worker = family.referral.social_worker
    if social_worker and social_worker.is_active:
        recipient = social_worker.email
    elif family.referral.referrer_email:
        recipient = family.referral.referrer_email
    else:
        return
    body = render_to_string(
        "emails/case_closed.txt",
        {
            "family": family,
            "link": settings.VICP_BASE_URL + reverse("families:detail", args=[family.pk]),
        },
    )
    send_mail(f"Case {family.case_reference} has closed", body, None, [recipient])


@shared_task(**EMAIL_RETRY)
def notify_volunteer_of_match(match_id):
    match = Match.objects.select_related("family", "volunteer__user").filter(pk=match_id).first()
    if match is None or match.volunteer.user is None:
        return
    body = render_to_string(
        "emails/match_started.txt",
        {"match": match, "link": settings.VICP_BASE_URL + reverse("vicp:home")},
    )
    send_mail("You have been matched with a family", body, None, [match.volunteer.user.email])


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
