from django.db import migrations

from vicp.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the search box (PostgreSQL only)."""

    dependencies = [
        ("families", "0020_closed_concerns_have_an_outcome"),
        ("vicp", "0007_trigram_search"),
    ]

    operations = [
        *trigram_indexes("families_family", "family_name"),
        *trigram_indexes("families_family", "postcode"),
        *trigram_indexes("families_family", "parents_carers"),
        *trigram_indexes("families_family", "case_reference"),
        *trigram_indexes("families_child", "first_name"),
        *trigram_indexes("families_child", "last_name"),
    ]
