from django.db import migrations

from families.reference_data import ensure_activities


def forwards(apps, schema_editor):
    ensure_activities(apps)


class Migration(migrations.Migration):
    dependencies = [("families", "0003_matches_visits_concerns")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
