from django.db import migrations

from vicp.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the search box (PostgreSQL only)."""

    dependencies = [
        ("volunteers", "0005_withdrawn_steps_and_reference_acknowledgement"),
        ("vicp", "0007_trigram_search"),
    ]

    operations = [
        *trigram_indexes("volunteers_volunteer", "first_name"),
        *trigram_indexes("volunteers_volunteer", "last_name"),
        *trigram_indexes("volunteers_volunteer", "email"),
    ]
