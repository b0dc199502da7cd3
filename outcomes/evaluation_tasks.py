"""Emailing the family their evaluation link (a module of its own beside tasks.py:
imported by OutcomesConfig.ready(), because autodiscovery finds only tasks.py)."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from vicp.tasks import EMAIL_RETRY

from .family_links import family_link_url, link_problem
from .models import FamilyEvaluationLink

SUBJECT = "Your views on having a volunteer"


def send_family_evaluation_link(link_id):
    """Email the link to the family's address; False if it can no longer be used or
    the family has no address. The URL is signed here, so it never passes through the
    broker."""

    link = FamilyEvaluationLink.objects.select_related("family").filter(pk=link_id).first()
    if link is None or not link.family.email or link_problem(link) is not None:
        return False
    body = render_to_string(
        "emails/family_evaluation_link.txt",
        {"link": family_link_url(link), "expires_on": timezone.localtime(link.expires_at)},
    )
    send_mail(SUBJECT, body, None, [link.family.email])
    return True


@shared_task(**EMAIL_RETRY)
def email_family_evaluation_link(link_id):
    return send_family_evaluation_link(link_id)
