from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from vicp.tasks import EMAIL_RETRY

from .models import Referral


@shared_task(**EMAIL_RETRY)
def notify_managers_of_referral(referral_id):
    """Tell the project's managers a referral is waiting (no family details in email)."""
    referral = Referral.objects.select_related("project").filter(pk=referral_id).first()
    if referral is None:
        return
    recipients = list(
        referral.project.managers.filter(is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        return
    body = render_to_string(
        "emails/referral_submitted.txt",
        {
            "referral": referral,
            "link": settings.VICP_BASE_URL + reverse("referrals:detail", args=[referral.pk]),
        },
    )
    send_mail(f"New referral for {referral.project.name}", body, None, recipients)


@shared_task(**EMAIL_RETRY)
def notify_social_worker_of_decision(referral_id):
    referral = (
        Referral.objects.select_related("project", "social_worker").filter(pk=referral_id).first()
    )
    if referral is None:
        return
    email = referral.social_worker.email if referral.social_worker else referral.referrer_email
    if not email:
        return
    body = render_to_string(
        "emails/referral_decision.txt",
        {
            "referral": referral,
            "link": settings.VICP_BASE_URL + reverse("referrals:detail", args=[referral.pk]),
            "has_account": referral.social_worker_id is not None,
        },
    )
    status = referral.get_status_display().lower()
    subject = f"Referral {referral.pk} to {referral.project.name}: {status}"
    send_mail(subject, body, None, [email])
