from django.db import migrations

from vicp.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    """Trigram indexes for the search box (PostgreSQL only)."""

    dependencies = [("referrals", "0003_history"), ("vicp", "0007_trigram_search")]

    operations = [
        *trigram_indexes("referrals_referral", "family_name"),
        *trigram_indexes("referrals_referral", "postcode"),
        *trigram_indexes("referrals_referral", "parents_carers"),
        *trigram_indexes("referrals_referralchild", "first_name"),
        *trigram_indexes("referrals_referralchild", "last_name"),
    ]
