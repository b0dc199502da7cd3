"""Tasks loaded only by the worker processes that tests start (celery --include)."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task
def slow_task(folder, seconds):
    """Record each attempt (with the process running it), then finish after `seconds`."""
    folder = Path(folder)
    attempt = len(list(folder.glob("started-*"))) + 1
    (folder / f"started-{attempt}").write_text(str(os.getpid()))
    time.sleep(seconds)
    (folder / f"done-{attempt}").write_text(str(os.getpid()))
