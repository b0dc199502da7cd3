"""Celery tasks that work across apps: the beat jobs and the subject access export."""

import logging
import smtplib

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from families.models import SubjectAccessExport

from . import reminders, retention, subject_access

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_daily_reminders():
    return reminders.send_daily_reminders()


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_weekly_digest():
    return reminders.send_weekly_digest()


@shared_task
def apply_retention():
    return len(retention.apply_retention())


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=240, time_limit=300
)
def build_subject_access_export(export_id):
    """Build the files of an export; safe to run again (a done export is left alone)."""
    export = SubjectAccessExport.objects.filter(pk=export_id).select_related("family").first()
    if export is None or export.status == SubjectAccessExport.Status.DONE:
        return
    export.status, export.started_at, export.error = (
        SubjectAccessExport.Status.RUNNING,
        timezone.now(),
        "",
    )
    export.save(update_fields=["status", "started_at", "error"])
    try:
        with transaction.atomic():
            subject_access.build(export)
            export.status, export.finished_at = SubjectAccessExport.Status.DONE, timezone.now()
            export.save()
    except OSError:
        raise  # retried
    except Exception as error:
        export.status, export.finished_at = SubjectAccessExport.Status.FAILED, timezone.now()
        export.error = f"{type(error).__name__}: {error}"[:2000]
        export.save(update_fields=["status", "finished_at", "error"])
        logger.exception("Subject access export %s failed", export_id)
