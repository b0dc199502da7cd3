import datetime
import logging
import resource
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Report

logger = logging.getLogger(__name__)

# Worth another try: a full disk or a lost connection, the database restarting.
TRANSIENT = (OSError, OperationalError)
MAX_RETRIES = 5


def report_folder(report):
    return f"reports/{report.pk}"


def report_file_name(report):
    """One name per report, so a second run overwrites rather than adds a file."""
    return f"{report_folder(report)}/{report.kind.replace('_', '-')}-{report.pk}.pdf"


def _remove_files(report):
    """Delete whatever an earlier, interrupted run of this report left behind."""
    storage = report.file.storage
    if report.file.name:
        storage.delete(report.file.name)
    try:
        _, files = storage.listdir(report_folder(report))
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{report_folder(report)}/{name}")


def _peak_memory_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _claim(report_id):
    """Mark the report running (one more attempt), or None if there is nothing to do."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == Report.Status.DONE:
            return None
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.attempts += 1
        report.error = ""
        report.save(update_fields=["status", "started_at", "finished_at", "attempts", "error"])
    return Report.objects.select_related(
        "project", "family__project", "family__referral", "volunteer__project", "requested_by"
    ).get(pk=report_id)


def _fail(report_id, reason):
    Report.objects.filter(pk=report_id).exclude(status=Report.Status.DONE).update(
        status=Report.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def _describe(error):
    return f"{type(error).__name__}: {error}"


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=MAX_RETRIES,
    soft_time_limit=240,
    time_limit=300,
)
def render_report(self, report_id):
    """Render the report's PDF and store it; safe to run again.

    A finished report is left alone; a run after a worker died replaces the
    earlier file rather than adding one. Transient errors are retried with
    backoff; anything else, or the last retry, marks the report failed with why.
    """

    from . import reports

    report = _claim(report_id)
    if report is None:
        return
    began = time.monotonic()
    try:
        pdf = reports.render_pdf(report)
        _remove_files(report)
        name = report.file.storage.save(report_file_name(report), ContentFile(pdf))
        seconds, memory = round(time.monotonic() - began, 2), _peak_memory_mb()
        Report.objects.filter(pk=report.pk).update(
            file=name,
            status=Report.Status.DONE,
            finished_at=timezone.now(),
            render_seconds=seconds,
            peak_memory_mb=memory,
            error="",
        )
        # For those who run ViCP (and the bench), not for the people who asked for it.
        logger.info(
            "Report %s (%s) rendered in %.2f s, peak memory %s MB",
            report.pk,
            report.kind,
            seconds,
            memory,
        )
    except TRANSIENT as error:
        if self.request.retries < self.max_retries:
            Report.objects.filter(pk=report_id).update(
                status=Report.Status.QUEUED,
                error=f"Trying again after a temporary problem ({_describe(error)})"[:2000],
            )
            raise  # retried with backoff (autoretry_for)
        _fail(
            report_id,
            f"Gave up after {report.attempts} attempts because of a temporary problem that "
            f"did not go away ({_describe(error)}).",
        )
        logger.error("Report %s failed after %s attempts: %s", report_id, report.attempts, error)
    except SoftTimeLimitExceeded:
        _fail(report_id, "It took longer than 4 minutes to prepare; ask for a shorter period.")
        logger.error("Report %s ran out of time", report_id)
    except Exception as error:
        _fail(report_id, _describe(error))
        logger.exception("Report %s failed", report_id)


# Beyond the hard time limit and any ordinary queue: a report this old that has not
# finished lost its message (a broker restarted, say) and is queued again.
STALLED_AFTER = datetime.timedelta(minutes=30)


@shared_task
def requeue_stalled_reports():
    """Queue again the reports whose task was lost; rendering is idempotent."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = Report.objects.filter(
        Q(status=Report.Status.QUEUED, created_at__lt=cutoff)
        | Q(status=Report.Status.RUNNING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for report_id in stalled:
        logger.warning("Report %s stalled; queued again", report_id)
        render_report.delay(report_id)
    return len(stalled)
