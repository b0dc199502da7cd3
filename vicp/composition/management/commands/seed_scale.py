import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

try:
    from bench.seed import seed_scale
except ImportError as error:
    # bench/ is not deployed (the wheel and the image leave it out); any other
    # missing module is a real error.
    if error.name not in ("bench", "bench.seed"):
        raise
    seed_scale = None


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with programme-scale data for benchmarks "
        "(see bench/seed/). Never on a live system."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20)
        parser.add_argument("--families", type=int, default=20000)
        parser.add_argument("--volunteers", type=int, default=2000)
        parser.add_argument("--visits", type=int, default=500000)
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same data."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data ends (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--closed-in-one-project",
            type=int,
            default=0,
            metavar="N",
            help="Add N families closed within the last year, with their whole journey, to the "
            "first project (for measuring the impact report), and a volunteer for each two.",
        )
        parser.add_argument("--social-workers", type=int, default=10, help="Per project.")

    def handle(self, *args, **options):
        if seed_scale is None:
            raise CommandError(
                "seed_scale needs a checkout of ViCP with bench/ (it is not deployed)."
            )
        started = time.monotonic()

        def log(message):
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")
            self.stdout.flush()

        try:
            counts = seed_scale(
                projects=options["projects"],
                families=options["families"],
                volunteers=options["volunteers"],
                visits=options["visits"],
                seed=options["seed"],
                today=options["today"],
                closed_in_one_project=options["closed_in_one_project"],
                social_workers_per_project=options["social_workers"],
                log=log,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            # As autovacuum would soon: the planner's statistics, and the GIN (trigram)
            # indexes' pending lists merged, which every search would otherwise scan
            # row by row (a manual ANALYZE leaves them).
            log("Vacuuming and updating the planner's statistics (VACUUM ANALYZE)...")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        log("Done. Rows written:")
        for label, count in counts.items():
            self.stdout.write(f"  {label:<45} {count:>9}")
