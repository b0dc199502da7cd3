from django import forms
from django.utils import timezone

from .models import OutcomeScale, StarReading


class StarReadingForm(forms.Form):
    stage = forms.ChoiceField(choices=StarReading.Stage.choices, widget=forms.RadioSelect)
    taken_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = OutcomeScale.default()
        self.areas = list(self.scale.areas.all())
        choices = [("", "—")] + [
            (str(n), str(n)) for n in range(self.scale.min_score, self.scale.max_score + 1)
        ]
        for area in self.areas:
            self.fields[area.slug] = forms.TypedChoiceField(
                label=area.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=True,
                error_messages={"required": f"Give a score for {area.name}."},
            )

    def area_fields(self):
        return [self[area.slug] for area in self.areas]

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "stage": data["stage"],
            "taken_on": data["taken_on"],
            "notes": data["notes"],
            "scores": {area.slug: data[area.slug] for area in self.areas},
        }
