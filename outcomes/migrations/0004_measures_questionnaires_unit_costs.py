from django.db import migrations

from outcomes.reference_data import ensure_measures_and_questionnaires


def forwards(apps, schema_editor):
    ensure_measures_and_questionnaires(apps)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_risk_measures_evaluations_reports")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
