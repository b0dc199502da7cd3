"""`make bench` (python -m bench.run): measure ViCP against seeded PostgreSQL data.

Needs DATABASE_URL of a PostgreSQL database filled by `manage.py seed_scale`
(see README, "Benchmarks"). Serves `bench.settings` with DEBUG off and plain
HTTP on 127.0.0.1, collects static files first (WhiteNoise's compressed files),
then measures, in this order:

1. the impact report in a child process (first, so that no other child
   process's memory is counted);
2. each main page in-process: SQL queries, median and p95 server time;
3. through gunicorn: each page's requests per second against the floor's, and
   the visit form's weight with its CSS and JavaScript;
4. the load test with locust.

Prints one readable report with the targets beside the figures. Exits non-zero
only when something failed (an error page, a crash), never for a missed target.
"""

import argparse
import datetime
import os
import sys
import time

from vicp import dates

TARGETS = {
    "floor_fraction": 0.40,
    "p95_ms": 150,
    # The family page's overview and sections: each loads only what it shows.
    "family_session_floor_fraction": 0.20,
    "family_p95_ms": 50,
    "load_p95_ms": 300,
    "visit_form_kb": 100,
    "report_seconds": 20,
    "report_mb": 500,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--requests", type=int, default=30, help="in-process, per page")
    parser.add_argument("--rate-requests", type=int, default=60, help="through gunicorn, per page")
    parser.add_argument("--concurrency", type=int, default=2, help="clients for the page rates")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--load-users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to skip: report, pages, rates, transfer, load",
    )
    return parser.parse_args(argv)


def configure():
    # Measured as deployed: DEBUG off (no query log, cached templates), plain HTTP on
    # 127.0.0.1 only, ViCP's settings plus the floor page.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            "make bench measures PostgreSQL: set DATABASE_URL to a database filled by "
            "`manage.py seed_scale` (see README, Benchmarks)."
        )


def log(message):
    print(message, flush=True)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    configure()
    from django.core.management import call_command
    from django.urls import reverse

    from . import actors as actor_module
    from . import load, pages, report, server, throughput, transfer

    started = time.monotonic()
    log("Collecting static files (WhiteNoise's compressed files)...")
    call_command("collectstatic", "--noinput", verbosity=0)
    actors = actor_module.choose_actors()
    main_pages = actor_module.main_pages(actors)
    results = {"actors": actors, "pages": main_pages}

    if "report" not in skip:
        log(f"Rendering the impact report of {actors.project.name} (child process)...")
        results["report"] = report.measure_impact_report(actors.project)
    if "pages" not in skip:
        log(f"Pages in-process ({args.requests} requests each):")
        sessions = actor_module.sessions_for(actors.users)
        results["page_results"] = pages.measure_pages(
            main_pages, sessions, requests=args.requests, log=log
        )
    if not {"rates", "transfer", "load"} <= skip:
        log(f"Starting gunicorn ({args.workers} workers, 127.0.0.1)...")
        with server.Gunicorn(workers=args.workers) as gunicorn:
            sessions = actor_module.sessions_for(actors.users)
            if "rates" not in skip:
                log(
                    f"Requests per second through gunicorn, page against floor "
                    f"({args.rate_requests} requests each, {args.concurrency} clients):"
                )
                results["ratios"] = throughput.ratios(
                    gunicorn.port,
                    main_pages,
                    sessions,
                    floor_path=reverse("bench_floor"),
                    requests=args.rate_requests,
                    concurrency=args.concurrency,
                    log=log,
                )
            if "transfer" not in skip:
                log("Weighing the visit form...")
                results["weight"] = transfer.page_weight(
                    gunicorn.port,
                    reverse("families:log_visit", args=[actors.volunteer_family.pk]),
                    cookie=throughput.session_cookie(sessions["volunteer"]),
                )
            if "load" not in skip:
                log(f"Load test: {args.load_users} users for {args.load_seconds} s (locust)...")
                plan = load.load_plan(actors)
                results["load"], _ = load.run_load(
                    gunicorn.base, plan, users=args.load_users, seconds=args.load_seconds
                )
    results["seconds"] = time.monotonic() - started
    errors = print_report(results, args)
    return 1 if errors else 0


# --- The report --------------------------------------------------------------------------


def mark(ok):
    return "ok" if ok else "MISSED"


def fmt(value, pattern="{:.0f}", missing="-"):
    return missing if value is None else pattern.format(value)


def table(headers, rows, aligns):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(
            str(c).ljust(w) if a == "<" else str(c).rjust(w)
            for c, w, a in zip(cells, widths, aligns, strict=True)
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def describe_data():
    from django.db import connection

    from families.models import Family, Visit
    from vicp.models import Project
    from volunteers.models import Volunteer

    return (
        f"PostgreSQL {connection.settings_dict['NAME']}: {Project.objects.count()} projects, "
        f"{Family.objects.count()} families, {Volunteer.objects.count()} volunteers, "
        f"{Visit.objects.count()} visits"
    )


def print_report(results, args):
    errors = []
    actors = results["actors"]
    print()
    print("=" * 100)
    now = datetime.datetime.now(datetime.UTC).astimezone()
    print(f"ViCP bench, {dates.moment(now)}: {describe_data()}")
    print(
        f"As: manager and admin; social worker {actors.users['social_worker'].email}; "
        f"volunteer {actors.users['volunteer'].email}; project {actors.project.name}; "
        f"family page {actors.heavy_family.case_reference} (most visits)"
    )
    print(
        f"{os.cpu_count()} cores, shared: absolute times are noisy; the fraction of the floor, "
        "measured beside each page in the same run, is the robust figure."
    )
    print("=" * 100)

    page_results = {r.label: r for r in results.get("page_results", [])}
    ratios = {r.label: r for r in results.get("ratios", [])}
    rows = []
    for page in results["pages"]:
        measured, ratio = page_results.get(page.label), ratios.get(page.label)
        if page.url is None:
            rows.append([page.label, *["-"] * 9, "skipped: not built yet"])
            continue
        verdicts = ["reference: the cost of a session alone"] if page.reference else []
        if measured and measured.error:
            errors.append(f"{page.label}: {measured.error}")
            verdicts.append(f"ERROR {measured.error}")
        if measured and measured.p95_ms is not None and not page.reference:
            verdicts.append(f"p95 {mark(measured.p95_ms < TARGETS['p95_ms'])}")
        fraction = ratio.fraction if ratio else None
        if ratio and ratio.page and ratio.page.errors:
            errors.append(f"{page.label}: {ratio.page.statuses} through gunicorn")
            verdicts.append(f"ERROR {ratio.page.statuses}")
        if fraction is not None and not page.reference:
            verdicts.append(f"floor {mark(fraction >= TARGETS['floor_fraction'])}")
        of_session = ratio.fraction_of_session_floor if ratio else None
        if page.family_page and measured and measured.p95_ms is not None:
            verdicts.append(f"section p95 {mark(measured.p95_ms < TARGETS['family_p95_ms'])}")
        if page.family_page and of_session is not None:
            target = TARGETS["family_session_floor_fraction"]
            verdicts.append(f"section share {mark(of_session >= target)}")
        rows.append(
            [
                page.label,
                fmt(measured and measured.queries),
                fmt(measured and measured.median_ms, "{:.1f}"),
                fmt(measured and measured.p95_ms, "{:.1f}"),
                fmt(measured and measured.bytes and measured.bytes / 1024, "{:.0f}"),
                fmt(ratio and ratio.page and ratio.page.p95_ms, "{:.0f}"),
                fmt(ratio and ratio.page and ratio.page.requests_per_second, "{:.1f}"),
                fmt(ratio and ratio.floor and ratio.floor.requests_per_second, "{:.1f}"),
                fmt(fraction and fraction * 100, "{:.0f}%"),
                fmt(of_session and of_session * 100, "{:.0f}%"),
                ", ".join(verdicts),
            ]
        )
    print()
    print(
        f"Main pages (targets: p95 < {TARGETS['p95_ms']} ms; requests/s >= "
        f"{TARGETS['floor_fraction']:.0%} of the floor's; the family page's overview and "
        f"sections: p95 < {TARGETS['family_p95_ms']} ms, requests/s >= "
        f"{TARGETS['family_session_floor_fraction']:.0%} of the floor's with the same session)"
    )
    table(
        [
            "page",
            "queries",
            "median ms",
            "p95 ms",
            "KB",
            "gunicorn p95",
            "req/s",
            "floor req/s",
            "of floor",
            "of session floor",
            "",
        ],
        rows,
        ["<", ">", ">", ">", ">", ">", ">", ">", ">", ">", "<"],
    )
    print(
        f"  queries, median and p95: in-process, {args.requests} requests each. Through "
        f"gunicorn ({args.workers} workers): {args.rate_requests} requests of each page from "
        f"{args.concurrency} clients, in 3 rounds interleaved with as many of the floor, bare "
        "and with the page's session cookie."
    )

    fewer = [
        f"{r.label} ({r.requests})"
        for r in results.get("page_results", [])
        if r.requests and r.requests < args.requests
    ]
    if fewer:
        print(f"  in-process, fewer requests for the slowest pages: {', '.join(fewer)}")

    slow = [(ms, r.label, sql) for r in results.get("page_results", []) for ms, sql in r.slowest]
    if slow:
        print()
        print("Slowest queries seen (one request of each page):")
        for ms, label, sql in sorted(slow, reverse=True)[:8]:
            print(f"  {ms:7.1f} ms  {label}: {' '.join(sql.split())[:300]}")

    weight = results.get("weight")
    if weight is not None:
        total_kb = weight.total / 1024
        print()
        print(
            f"Visit form as transferred (target < {TARGETS['visit_form_kb']} KB): "
            f"{total_kb:.0f} KB, {mark(total_kb < TARGETS['visit_form_kb'])}"
        )
        print(
            f"  HTML {weight.html_bytes / 1024:.1f} KB as sent (not compressed by ViCP; "
            f"{weight.html_gzip_bytes / 1024:.1f} KB gzipped)"
        )
        for url, size, encoding in weight.assets:
            print(f"  {url}: {size / 1024:.1f} KB ({encoding})")
        errors.extend(weight.errors)

    load_rows = results.get("load")
    if load_rows:
        total = load_rows[-1]
        print()
        print(
            f"Load test: {args.load_users} users for {args.load_seconds} s through gunicorn "
            f"({args.workers} workers) (targets: p95 < {TARGETS['load_p95_ms']} ms, no errors)"
        )
        table(
            ["requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "name"],
            [
                [
                    r.requests,
                    f"{r.requests_per_second:.1f}",
                    fmt(r.p50_ms),
                    fmt(r.p95_ms),
                    fmt(r.p99_ms),
                    r.failures,
                    r.name,
                ]
                for r in load_rows
            ],
            [">", ">", ">", ">", ">", ">", "<"],
        )
        print(
            f"  in all: p95 {mark(total.p95_ms < TARGETS['load_p95_ms'])}, "
            f"errors {mark(total.failures == 0)}"
        )
        if total.failures:
            errors.append(f"{total.failures} failed requests under load")

    result = results.get("report")
    if result is not None:
        print()
        print(
            f"Impact report of {actors.project.name}, last 12 months (targets: < "
            f"{TARGETS['report_seconds']} s, < {TARGETS['report_mb']} MB):"
        )
        if result.note:
            print(f"  {result.note}")
        elif result.error:
            errors.append(f"impact report: {result.error}")
            print(f"  ERROR: {result.error}")
        else:
            print(
                f"  {result.closed_families} families closed in the period; "
                f"{result.seconds:.1f} s in all ({result.render_seconds:.1f} s rendering), "
                f"{mark(result.seconds < TARGETS['report_seconds'])}; "
                f"peak memory {result.peak_mb:.0f} MB, "
                f"{mark(result.peak_mb < TARGETS['report_mb'])}; "
                f"PDF {result.pdf_bytes / 1024:.0f} KB"
            )
    print()
    print(f"Bench took {results['seconds']:.0f} s.")
    if errors:
        print("ERRORS:")
        for error in errors:
            print(f"  {error}")
    return errors


if __name__ == "__main__":
    sys.exit(main())
