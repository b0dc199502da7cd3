from django import forms

from vicp.forms import DateInput
from vicp.permissions import projects_managed_by

from .metrics import default_period


class ImpactReportForm(forms.Form):
    """The programme impact report's project and period (the last 12 months by default)."""

    project = forms.ModelChoiceField(queryset=None)
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput(), help_text="Included in the period.")

    def __init__(self, *args, user, **kwargs):
        start, end = default_period()
        kwargs.setdefault("initial", {"start": start, "end": end})
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = projects_managed_by(user).order_by("name")
        if user.is_admin:
            field.required = False
            field.empty_label = "All projects"
        else:
            field.empty_label = None  # a manager picks one of their projects
        for name, message in (("start", "first"), ("end", "last")):
            self.fields[name].error_messages = {
                "required": f"Give the {message} day of the period.",
                "invalid": "Give the date as day/month/year, for example 01/04/2025.",
            }

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period ends before it starts.")
        return data
