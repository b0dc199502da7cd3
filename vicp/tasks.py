import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User

# Email tasks retry on mail-server and network errors, backing off to 10 minutes.
EMAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}

SET_PASSWORD_EMAILS = {
    "invitation": ("Your ViCP account", "emails/invitation.txt"),
    "reset": ("Reset your ViCP password", "emails/password_reset.txt"),
    "project_access": (
        "You can now refer families to another ViCP project",
        "emails/project_access.txt",
    ),
}


def set_password_link(user):
    """A single-use link: it stops working once the password changes, or after
    PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.VICP_BASE_URL + path


@shared_task(**EMAIL_RETRY)
def send_set_password_email(user_id, kind):
    # The token is made here, in the worker, so it never travels through the broker.
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    subject, template = SET_PASSWORD_EMAILS[kind]
    body = render_to_string(
        template,
        {
            "user": user,
            "link": set_password_link(user),
            "login_link": settings.VICP_BASE_URL + reverse("login"),
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )
    send_mail(subject, body, None, [user.email])


@shared_task
def ping():
    """Answered by a worker; used by tests and checks that a worker runs tasks."""
    return "pong"
