"""The Celery app of the worker process that tests/outcomes/test_report_worker.py starts
(`celery -A tests.report_worker_app worker`): ViCP's own app and tasks, with rendering
made slow and observable so that the test can kill the process mid-render. Loaded only
by that test's worker, never by ViCP.

Each render writes `started-<attempt>` (holding the process id) in the folder named by
VICP_TEST_RENDER_FOLDER. The first attempt then leaves a half-written PDF where the
report's file goes, as a process killed while saving would, and waits to be killed.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from vicp.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_first_render(**kwargs):
    # The worker process has set Django up only now: models can be imported from here on.
    from django.core.files.base import ContentFile  # noqa: PLC0415
    from django.core.files.storage import default_storage  # noqa: PLC0415

    from outcomes import reports, tasks  # noqa: PLC0415

    folder = Path(os.environ["VICP_TEST_RENDER_FOLDER"])
    real = reports.render_pdf

    def render_pdf(report):
        attempt = len(list(folder.glob("started-*"))) + 1
        (folder / f"started-{attempt}").write_text(str(os.getpid()))
        if attempt == 1:
            default_storage.save(tasks.report_file_name(report), ContentFile(b"%PDF-1.7 partial"))
            time.sleep(120)  # until the test kills this process
        return real(report)

    reports.render_pdf = render_pdf
