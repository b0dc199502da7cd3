from django import forms
from django.utils import timezone

from referrals.models import Need
from vicp.forms import SafeModelMultipleChoiceField
from volunteers.models import Volunteer

from .models import Family, Goal, GoalReview, Match, Visit, VisitActivity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StartMatchForm(forms.Form):
    volunteer = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, empty_label=None)
    started_on = forms.DateField(label="Starting on", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            pk__in=[s.volunteer.pk for s in suggestions]
        )


class PayClaimsForm(forms.Form):
    NOT_PAYABLE = "Some of these claims are already paid or are not yours to pay."

    claim = SafeModelMultipleChoiceField(
        queryset=Visit.objects.none(),
        # One answer for a claim already paid, another project's and one that does not exist.
        error_messages={
            "required": "Tick the claims you have paid.",
            "invalid_choice": NOT_PAYABLE,
            "invalid_pk_value": NOT_PAYABLE,
        },
    )

    def __init__(self, *args, claims, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claim"].queryset = claims


class EndMatchForm(forms.Form):
    reason = forms.ChoiceField(choices=Match.EndReason.choices)
    ended_on = forms.DateField(label="Ended on", widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseCaseForm(forms.Form):
    """Closing a case. The service says what is missing (the reason, the closure risk
    review or why it could not be done), so neither field is required here."""

    reason = forms.CharField(
        label="Why is the case closing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: the plan of work is done, or the family has moved away.",
    )
    missing_reason = forms.ChoiceField(
        label="Why could the closure risk review not be done?",
        choices=[("", "Choose a reason"), *Family.ReviewMissing.choices],
        required=False,
        help_text="Only if the review cannot be recorded: the case then counts among those "
        "the impact figures could not assess.",
    )

    def __init__(self, *args, review_missing=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not review_missing:
            del self.fields["missing_reason"]

    def service_arguments(self):
        return {
            "reason": self.cleaned_data["reason"],
            "missing_reason": self.cleaned_data.get("missing_reason", ""),
        }


class ReopenCaseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class CloseConcernForm(forms.Form):
    follow_up = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who was told, what they did, and why the concern can be closed.",
    )


class VisitForm(forms.Form):
    """The visit form on a phone: few required fields, big targets, sensible defaults."""

    visited_on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        initial=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 15, "max": 480, "step": 5}),
        help_text="Between 15 and 480 minutes.",
    )
    contact_made = forms.TypedChoiceField(
        label="Did you see or speak to the family?",
        choices=[("yes", "Yes"), ("no", "No, nobody was in or they did not answer")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    medium = forms.ChoiceField(
        label="How", choices=Visit.Medium.choices, widget=forms.RadioSelect, initial="in_person"
    )
    place = forms.ChoiceField(
        label="Where", choices=[("", "—"), *Visit.Place.choices], required=False
    )
    activities = SafeModelMultipleChoiceField(
        queryset=VisitActivity.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What you did",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    engagement = forms.TypedChoiceField(
        label="How engaged was the family?",
        choices=[("", "—")]
        + [
            (str(n), label)
            for n, label in [
                (1, "1 · not at all"),
                (2, "2"),
                (3, "3 · partly"),
                (4, "4"),
                (5, "5 · fully"),
            ]
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    miles = forms.IntegerField(
        label="Miles travelled (for expenses)",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 999}),
    )
    has_concern = forms.BooleanField(label="I have a safeguarding concern", required=False)
    concern = forms.CharField(
        label="Your concern",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What you saw or heard, in the words used. Your project manager and the social "
        "worker are told at once.",
    )

    def __init__(self, *args, editing=False, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a concern is raised when the visit is logged, not by editing it later
            del self.fields["has_concern"]
            del self.fields["concern"]
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting this visit?",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="The volunteer and anyone reading the record will see this.",
            )

    def clean(self):
        data = super().clean()
        if data.get("has_concern") and not (data.get("concern") or "").strip():
            self.add_error("concern", "Describe your concern.")
        return data

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data.pop("has_concern", None)
        data.pop("reason", None)
        if not self.cleaned_data.get("has_concern"):
            data["concern"] = ""
        data["place"] = data.get("place") or ""
        return data

    @classmethod
    def initial_from(cls, visit):
        return {
            "visited_on": visit.visited_on,
            "start_time": visit.start_time,
            "duration_minutes": visit.duration_minutes,
            "contact_made": "yes" if visit.contact_made else "no",
            "medium": visit.medium,
            "place": visit.place,
            "activities": list(visit.activities.all()),
            "notes": visit.notes,
            "engagement": visit.engagement,
            "miles": visit.miles,
        }


class GoalForm(forms.Form):
    description = forms.CharField(label="The goal", widget=forms.Textarea(attrs={"rows": 2}))
    need = forms.ModelChoiceField(
        queryset=Need.objects.filter(is_active=True), required=False, label="Need it answers"
    )
    target_date = forms.DateField(widget=DATE, required=False)


class GoalReviewForm(forms.Form):
    stage = forms.ChoiceField(choices=GoalReview.Stage.choices)
    outcome = forms.ChoiceField(choices=Goal.Outcome.choices)
    progress = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
