from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from vicp.tasks import EMAIL_RETRY

from .models import Volunteer


@shared_task(**EMAIL_RETRY)
def notify_managers_of_application(volunteer_id):
    volunteer = Volunteer.objects.select_related("project").filter(pk=volunteer_id).first()
    if volunteer is None:
        return
    recipients = list(
        volunteer.project.managers.filter(is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        return
    body = render_to_string(
        "emails/volunteer_application.txt",
        {
            "volunteer": volunteer,
            "link": settings.VICP_BASE_URL + reverse("volunteers:detail", args=[volunteer.pk]),
        },
    )
    send_mail(f"New volunteer application: {volunteer.project.name}", body, None, recipients)
