"""The impact report's render time and peak memory, in a process of its own.

`measure_impact_report(project)` runs this module as a child process, which
renders the programme impact report of `project` for the last twelve months
with `outcomes.reports.render_pdf` (what the Celery task calls), and measures
the child's wall time and peak resident memory
(`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`, kilobytes on Linux). The
Report is built but never saved: the bench leaves no rows behind.

    python -m bench.report PROJECT_ID   # prints the child's own figures as JSON
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ReportResult:
    seconds: float | None = None
    render_seconds: float | None = None
    peak_mb: float | None = None
    pdf_bytes: int | None = None
    closed_families: int | None = None
    note: str = ""
    error: str = ""


def measure_impact_report(project):
    """Render the impact report of `project` in a child process. Call it before starting
    any other child process: RUSAGE_CHILDREN keeps the largest child's peak."""
    try:
        from outcomes import reports
    except ImportError:
        return ReportResult(note="outcomes.reports does not exist yet: skipped")
    if not hasattr(reports, "render_pdf"):
        return ReportResult(note="outcomes.reports.render_pdf does not exist yet: skipped")
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "bench.report", str(project.pk)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if completed.returncode != 0:
        return ReportResult(seconds, peak_mb=peak_mb, error=completed.stderr.strip()[-500:])
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    return ReportResult(
        seconds=seconds,
        render_seconds=child["render_seconds"],
        peak_mb=peak_mb,
        pdf_bytes=child["pdf_bytes"],
        closed_families=child["closed_families"],
    )


def _render(project_id):
    import django

    django.setup()
    from django.utils import timezone

    from families.models import Family
    from outcomes.models import Report
    from outcomes.reports import render_pdf
    from vicp.models import Project

    project = Project.objects.get(pk=project_id)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    report = Report(
        kind=Report.Kind.IMPACT,
        project=project,
        parameters={"start": start.isoformat(), "end": end.isoformat()},
        requested_by=project.managers.order_by("pk").first(),
    )
    closed = Family.objects.filter(
        project=project, status="closed", closed_on__range=(start, end)
    ).count()
    started = time.perf_counter()
    pdf = render_pdf(report)
    print(
        json.dumps(
            {
                "render_seconds": time.perf_counter() - started,
                "pdf_bytes": len(pdf),
                "closed_families": closed,
                "own_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    _render(int(sys.argv[1]))
