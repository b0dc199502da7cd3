from django.db import migrations, models


def outcome_of_concerns_closed_before(apps, schema_editor):
    """Concerns closed before an outcome was asked for say so."""
    Concern = apps.get_model("families", "Concern")
    Concern.objects.exclude(closed_at=None).filter(outcome="").update(outcome="not_recorded")


class Migration(migrations.Migration):
    dependencies = [("families", "0019_safeguarding_workflow")]

    operations = [
        migrations.RunPython(outcome_of_concerns_closed_before, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="concern",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("closed_at", None), models.Q(("outcome", ""), _negated=True), _connector="OR"
                ),
                name="concern_closed_with_outcome",
            ),
        ),
    ]
