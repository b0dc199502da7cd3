"""A real worker process: a task whose worker is killed mid-run is run again.

This is what `task_acks_late` together with `task_reject_on_worker_lost` buys:
with acks_late alone, Celery marks the task failed and acknowledges it, and
the work (an email about a safeguarding concern, say) is lost.
"""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from vicp.celery import app as celery_app

from .conftest import need, purge_broker, wait_for
from .worker_tasks import slow_task

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker_process(tmp_path):
    need(bool(settings.REDIS_URL), "needs Redis for a worker process (set REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex}"
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vicp",
            "worker",
            "--include",
            "tests.worker_tasks",
            "--queues",
            queue,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = True
        purge_broker()  # what the test's services sent to the default queue, no worker ran
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_task_whose_worker_process_dies_is_run_again(worker_process, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    slow_task.apply_async(args=[str(runs), 3], queue=worker_process)

    assert wait_for(lambda: (runs / "started-1").exists(), timeout=60), (
        tmp_path / "worker.log"
    ).read_text()
    os.kill(int((runs / "started-1").read_text()), signal.SIGKILL)

    assert wait_for(lambda: (runs / "done-2").exists(), timeout=60), (
        tmp_path / "worker.log"
    ).read_text()
    assert not (runs / "done-1").exists()
