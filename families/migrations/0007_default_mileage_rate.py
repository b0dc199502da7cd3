from django.db import migrations

from families.reference_data import ensure_mileage_rate


def forwards(apps, schema_editor):
    ensure_mileage_rate(apps)


class Migration(migrations.Migration):
    dependencies = [("families", "0006_mileage")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
