from django.conf import settings
from django.core.management.base import BaseCommand

from vicp import dates
from vicp.composition.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise closed cases and volunteers who left more than VICP_RETENTION_YEARS ago "
        "(runs daily through Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = apply_retention(dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        for kind, record, since in due:
            label = record.case_reference if kind == "family" else f"volunteer {record.pk}"
            self.stdout.write(f"{verb} {label} ({kind}, since {dates.day(since)})")
        self.stdout.write(
            f"{verb} {len(due)} record{'s' if len(due) != 1 else ''} "
            f"(retention {settings.VICP_RETENTION_YEARS} years)."
        )
