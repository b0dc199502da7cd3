from django import forms
from django.utils import timezone

from referrals.models import LevelOfNeed, PlanType
from vicp.forms import DateInput

from .models import ChildStatus, Measure, MeasureScore, OutcomeScale, RiskReview, StarReading
from .services import MAX_ANSWER_LENGTH


class StarReadingForm(forms.Form):
    stage = forms.ChoiceField(choices=StarReading.Stage.choices, widget=forms.RadioSelect)
    taken_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=DateInput(),
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


# --- Risk reviews and validated measures ----------------------------------------------------

DATE_INPUT = DateInput()
ATTENDANCE_ERRORS = dict.fromkeys(
    ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits"),
    "School attendance is a percentage from 0 to 100, to one decimal place.",
)


class RiskReviewForm(forms.Form):
    """The family's level of need, and per child `plan_<pk>` and `attendance_<pk>` (the
    names the service gives its errors)."""

    stage = forms.ChoiceField(
        choices=RiskReview.Stage.choices, widget=forms.RadioSelect, initial=RiskReview.Stage.REVIEW
    )
    reviewed_on = forms.DateField(
        label="Date of the review", initial=timezone.localdate, widget=DATE_INPUT
    )
    caf_level = forms.TypedChoiceField(
        label="Level of need",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose a level of need from the project's scale."},
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the decision of the child protection conference or core group.",
    )

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["caf_level"].choices = [("", "—")] + [
            (level.ordinal, str(level)) for level in LevelOfNeed.for_project(family.project)
        ]
        if (
            family.status == family.Status.CLOSED
            and not family.risk_reviews.filter(stage=RiskReview.Stage.CLOSURE).exists()
        ):
            self.fields["stage"].initial = RiskReview.Stage.CLOSURE
        self.children = list(family.children.all())
        last_attendance = dict(
            ChildStatus.objects.filter(review__family=family)
            .exclude(school_attendance=None)
            .order_by("review__reviewed_on", "review_id")
            .values_list("child_id", "school_attendance")
        )
        for child in self.children:
            self.fields[f"plan_{child.pk}"] = forms.ChoiceField(
                label=f"{child.first_name}'s plan",
                choices=[("", "—"), *PlanType.choices],
                initial=child.plan_type,
                error_messages={"required": f"Choose {child.first_name}'s plan."},
            )
            last = last_attendance.get(child.pk)
            self.fields[f"attendance_{child.pk}"] = forms.DecimalField(
                label=f"{child.first_name}'s school attendance (%)",
                required=False,
                min_value=0,
                max_value=100,
                max_digits=4,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
                error_messages=ATTENDANCE_ERRORS,
                help_text=(f"Last recorded: {last}%. " if last is not None else "")
                + "Leave empty if not at school or not known.",
            )

    def child_fields(self):
        """[(child, plan field, attendance field)] for the template."""
        return [
            (child, self[f"plan_{child.pk}"], self[f"attendance_{child.pk}"])
            for child in self.children
        ]

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "stage": data["stage"],
            "reviewed_on": data["reviewed_on"],
            "caf_level": data["caf_level"],
            "notes": data["notes"],
            "child_statuses": {
                child.pk: {
                    "plan_type": data[f"plan_{child.pk}"],
                    "school_attendance": data[f"attendance_{child.pk}"],
                }
                for child in self.children
            },
        }


def measure_range(measure):
    better = "higher" if measure.higher_is_better else "lower"
    return f"{measure.min_score} to {measure.max_score}, {better} is better"


class MeasureChoice(forms.RadioSelect):
    """Radio buttons that carry each measure's subject and range, for measures.js."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        measure = getattr(value, "instance", None)
        if measure is not None:
            option["attrs"].update(
                {
                    "data-about": measure.about,
                    "data-min": measure.min_score,
                    "data-max": measure.max_score,
                }
            )
        return option


class MeasureScoreForm(forms.Form):
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(),
        widget=MeasureChoice,
        empty_label=None,
        error_messages={"required": "Choose the questionnaire."},
    )
    child = forms.ModelChoiceField(
        label="Which child",
        queryset=None,
        required=False,
        empty_label="—",
        help_text="For a questionnaire about a child.",
    )
    parent = forms.CharField(
        label="Which parent or carer",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "parent-labels"}),
        help_text='For a questionnaire about a parent, e.g. "Mother". Use the same words at '
        "the start and the end, so the two scores are compared.",
    )
    stage = forms.ChoiceField(
        choices=MeasureScore.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose start or end."},
    )
    taken_on = forms.DateField(label="Date", initial=timezone.localdate, widget=DATE_INPUT)
    score = forms.IntegerField(
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Give the score.",
            "invalid": "Give the score as a whole number.",
        },
    )

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.measures = list(Measure.objects.filter(is_active=True))
        self.fields["measure"].queryset = Measure.objects.filter(is_active=True)
        self.fields["measure"].label_from_instance = lambda m: f"{m.name} ({measure_range(m)})"
        self.fields["child"].queryset = family.children.all()
        self.fields["child"].label_from_instance = lambda c: f"{c.first_name}, {c.age}"
        self.fields["score"].help_text = "Scores: " + "; ".join(
            f"{m.name} {m.min_score} to {m.max_score}" for m in self.measures
        )
        self.parent_labels = sorted(
            set(
                family.measure_scores.filter(child=None)
                .exclude(parent="")
                .values_list("parent", flat=True)
            )
        )

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "measure": data["measure"],
            "child": data["child"],
            "parent": data["parent"],
            "stage": data["stage"],
            "taken_on": data["taken_on"],
            "score": data["score"],
        }


# --- End-of-work evaluations ----------------------------------------------------------------

RATING_CHOICES = [(1, "1 (not at all)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (very)")]
RATING_ERROR = "Choose a rating from 1 to 5."


class EvaluationForm(forms.Form):
    """A questionnaire's active questions, as fields named by their slugs (the names the
    service gives its errors): ratings as radio buttons from 1 to 5, text as a text box."""

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.questions = list(questionnaire.questions.filter(is_active=True))
        for question in self.questions:
            if question.kind == question.Kind.RATING:
                field = forms.TypedChoiceField(
                    choices=RATING_CHOICES,
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={"required": RATING_ERROR, "invalid_choice": RATING_ERROR},
                )
            else:
                field = forms.CharField(
                    max_length=MAX_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                    error_messages={
                        "required": "Please answer this question.",
                        "max_length": f"Please keep this under {MAX_ANSWER_LENGTH} characters.",
                    },
                )
            field.label = question.text
            field.required = question.required
            self.fields[question.slug] = field

    def question_fields(self):
        """[(question, bound field)] in the questionnaire's order, for the template (which
        shows a field's errors in an element with the id `<field id>_error`)."""
        rows = []
        for question in self.questions:
            field = self[question.slug]
            if field.errors:
                attrs = field.field.widget.attrs
                attrs["aria-describedby"] = f"{field.auto_id}_error"
                if question.kind == question.Kind.TEXT:
                    attrs["class"] = "form-control is-invalid"
            rows.append((question, field))
        return rows

    def questions_with_errors(self):
        return [(question, field) for question, field in self.question_fields() if field.errors]

    def answers(self):
        """The answers given, for `submit_evaluation` (unanswered optional ones left out)."""
        return {
            question.slug: self.cleaned_data[question.slug]
            for question in self.questions
            if self.cleaned_data.get(question.slug) not in (None, "")
        }
