"""Default reference data. Admins can edit, add and retire these afterwards."""

from django.db import migrations

from referrals.reference_data import ensure_reference_data


def forwards(apps, schema_editor):
    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
