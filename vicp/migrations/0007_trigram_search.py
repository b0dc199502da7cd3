from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm, for the search box's matching of misspelt names (PostgreSQL only)."""

    dependencies = [("vicp", "0006_safeguarding_workflow")]

    operations = [TrigramExtension()]
