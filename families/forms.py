import datetime

from django import forms
from django.utils import timezone

from referrals.forms import POSTCODE_TOO_LONG
from referrals.models import CPCategory, LevelOfNeed, Need, RiskKind
from vicp.forms import DateInput, SafeModelMultipleChoiceField, add_service_errors
from vicp.models import User
from volunteers.models import Volunteer

from . import services
from .models import (
    CaseNote,
    Child,
    Concern,
    ConcernAction,
    ConcernCategory,
    ConcernOutcome,
    Family,
    Goal,
    GoalReview,
    Match,
    Visit,
    VisitActivity,
)

DATE = DateInput()


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
    reason = forms.ChoiceField(
        label="Why is the match ending?",
        choices=[("", "Choose a reason"), *Match.EndReason.choices],
        error_messages={"required": "Choose why the match is ending."},
    )
    ended_on = forms.DateField(
        label="Ended on",
        widget=DATE,
        initial=timezone.localdate,
        error_messages={"required": "Give the date the match ended.", "invalid": "Enter a date."},
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DiscardDraftForm(forms.Form):
    reason = forms.CharField(
        label="Why is this draft being discarded?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the visit did not take place, or it was logged again.",
        error_messages={"required": "Say why the draft is being discarded."},
    )


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


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ServiceForm(forms.Form):
    """A form whose answers go to one service: `service_arguments()` are its keywords, and
    `add_service_errors` shows what the service refused beside the fields it names."""

    def service_arguments(self):
        return self.cleaned_data

    def add_service_errors(self, error):
        add_service_errors(self, error)


class MomentFormMixin:
    """A moment asked as a date and a time (the phone's own pickers), read in the
    project's time zone; the services name it `moment_field`, the form shows the error
    beside its date."""

    moment_field = ""
    date_field = ""
    time_field = ""

    def moment(self):
        day, time = self.cleaned_data.get(self.date_field), self.cleaned_data.get(self.time_field)
        if day is None:
            return None
        moment = datetime.datetime.combine(day, time or datetime.time(0, 0))
        return timezone.make_aware(moment)

    def add_service_errors(self, error):
        if hasattr(error, "error_dict") and self.moment_field in error.error_dict:
            error.error_dict[self.date_field] = error.error_dict.pop(self.moment_field)
        add_service_errors(self, error)


class RaiseConcernForm(MomentFormMixin, ServiceForm):
    moment_field, date_field, time_field = "noticed_at", "noticed_on", "noticed_time"

    immediate_danger = forms.BooleanField(
        label="A child is in immediate danger",
        required=False,
        help_text="If so, call 999 now, before you write anything.",
    )
    kind = forms.ChoiceField(
        label="What is it about?",
        choices=Concern.Kind.choices,
        initial=Concern.Kind.CHILD,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the concern is about."},
    )
    subject = forms.ModelChoiceField(
        label="For an allegation: who is it about?",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone else (say who below)",
        error_messages={"invalid_choice": "Choose someone who works with this family."},
    )
    subject_description = forms.CharField(
        label="For an allegation about someone else: their name and role",
        max_length=200,
        required=False,
    )
    category = forms.ChoiceField(
        label="What kind of harm?",
        choices=ConcernCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": 'Choose the kind of concern (or "Something else").'},
    )
    details = forms.CharField(
        label="What did you see or hear?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In the words used, as far as you can: who, what, where. Facts first, then "
        "what worries you.",
        error_messages={"required": "Describe what you saw or heard."},
    )
    noticed_on = forms.DateField(
        label="When did it happen?", widget=DATE, initial=timezone.localdate
    )
    noticed_time = forms.TimeField(label="At what time (roughly)", widget=TIME, required=False)

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = services.allegation_subjects(family)
        self.fields["subject"].queryset = User.objects.filter(
            pk__in=[person.pk for person in subjects]
        ).order_by("last_name", "first_name")

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "subject": data["subject"],
            "subject_description": data["subject_description"],
            "category": data["category"],
            "details": data["details"],
            "immediate_danger": data["immediate_danger"],
            "noticed_at": self.moment(),
        }


class CorrectConcernForm(MomentFormMixin, ServiceForm):
    moment_field, date_field, time_field = "noticed_at", "noticed_on", "noticed_time"

    category = forms.ChoiceField(label="Kind of harm", choices=ConcernCategory.choices)
    details = forms.CharField(
        label="What was seen or heard",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what was seen or heard."},
    )
    noticed_on = forms.DateField(label="When it happened", widget=DATE, required=False)
    noticed_time = forms.TimeField(label="At what time", widget=TIME, required=False)
    immediate_danger = forms.BooleanField(
        label="A child was said to be in immediate danger", required=False
    )
    reason = forms.CharField(
        label="Why is it corrected?",
        max_length=100,
        error_messages={"required": "Say why the record is corrected."},
    )

    @classmethod
    def initial_from(cls, concern):
        noticed = timezone.localtime(concern.noticed_at) if concern.noticed_at else None
        return {
            "category": concern.category,
            "details": concern.details,
            "noticed_on": noticed.date() if noticed else None,
            "noticed_time": noticed.time() if noticed else None,
            "immediate_danger": concern.immediate_danger,
        }

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "category": data["category"],
            "details": data["details"],
            "noticed_at": self.moment(),
            "immediate_danger": data["immediate_danger"],
            "reason": data["reason"],
        }


class ConcernActionForm(MomentFormMixin, ServiceForm):
    moment_field, date_field, time_field = "done_at", "done_on", "done_time"

    action = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done."},
    )
    informed = forms.CharField(
        label="Who was told",
        max_length=200,
        required=False,
        help_text='Their role and organisation, for example "duty social worker, MASH".',
    )
    means = forms.ChoiceField(
        label="How",
        choices=ConcernAction.Means.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they were told."},
    )
    done_on = forms.DateField(label="When", widget=DATE, initial=timezone.localdate)
    done_time = forms.TimeField(label="Time", widget=TIME, required=False)

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "action": data["action"],
            "informed": data["informed"],
            "means": data["means"],
            "done_at": self.moment(),
        }


class CaseNoteForm(MomentFormMixin, ServiceForm):
    """A note of a contact about the case. `sensitive` is asked of the project's managers
    only (nobody else may mark a note so)."""

    moment_field, date_field, time_field = "happened_at", "happened_on", "happened_time"

    kind = forms.ChoiceField(
        label="What kind of contact?",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of contact."},
    )
    with_whom = forms.ChoiceField(
        label="With whom?",
        choices=CaseNote.WithWhom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the contact was with."},
    )
    with_whom_detail = forms.CharField(
        label="Who exactly (optional)",
        max_length=100,
        required=False,
        help_text='For example "Mum" or "Head of Year 3".',
        error_messages={"max_length": "Say who in 100 characters or fewer."},
    )
    happened_on = forms.DateField(
        label="When was it?",
        widget=DATE,
        initial=timezone.localdate,
        error_messages={"required": "Give the date of the contact."},
    )
    happened_time = forms.TimeField(label="At what time", widget=TIME, required=False)
    summary = forms.CharField(
        label="What was said or agreed?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what was said or agreed."},
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only the project's managers may read it",
        required=False,
        help_text="The family's social worker will not see this note.",
    )

    def __init__(self, *args, may_mark_sensitive=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_mark_sensitive:
            del self.fields["sensitive"]

    @classmethod
    def initial_from(cls, note):
        happened = timezone.localtime(note.happened_at)
        return {
            "kind": note.kind,
            "with_whom": note.with_whom,
            "with_whom_detail": note.with_whom_detail,
            "happened_on": happened.date(),
            "happened_time": happened.time().replace(second=0, microsecond=0),
            "summary": note.summary,
            "sensitive": note.sensitive,
        }

    def service_arguments(self):
        data = self.cleaned_data
        arguments = {
            "kind": data["kind"],
            "with_whom": data["with_whom"],
            "with_whom_detail": data["with_whom_detail"],
            "happened_at": self.moment(),
            "summary": data["summary"],
        }
        if "sensitive" in self.fields:
            arguments["sensitive"] = data["sensitive"]
        return arguments


class CorrectCaseNoteForm(CaseNoteForm):
    reason = forms.CharField(
        label="Why is it corrected? (optional)", max_length=100, required=False
    )

    def service_arguments(self):
        return super().service_arguments() | {"reason": self.cleaned_data["reason"]}


class CloseConcernForm(ServiceForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ConcernOutcome.choosable(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the concern."},
    )
    follow_up = forms.CharField(
        label="Reasons for the outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was decided, by whom, and why the concern can be closed.",
        error_messages={"required": "Give the reasons for the outcome."},
    )
    information_shared = forms.CharField(
        label="Information shared",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was shared, with whom and why; or why nothing was shared.",
        error_messages={
            "required": "Record what information was shared and with whom, or why none was."
        },
    )


class SuspensionForm(ServiceForm):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason."},
    )


class ReopenConcernForm(ServiceForm):
    reason = forms.CharField(
        label="Why is the concern being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the concern is being reopened."},
    )


class VisitForm(forms.Form):
    """The visit form on a phone: few required fields, big targets, sensible defaults.

    Every problem shows at once: the form asks `services.visit_problems` (where the
    rules are) about the answers it could read, beside its own checks. A draft
    (`draft=True`) needs no answer; what is typed must still hold.
    """

    # The durations the page suggests (visit-form.js swaps them as the answer changes).
    visit_minutes, attempt_minutes = Visit.VISIT_MINUTES, Visit.ATTEMPT_MINUTES

    visited_on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        initial=Visit.VISIT_MINUTES,
        # The browser is told what the server accepts: any whole minute in the range.
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "min": Visit.MIN_MINUTES,
                "max": Visit.MAX_MINUTES,
                "step": 1,
            }
        ),
        help_text="Between 15 and 480 minutes. If nobody was in, the time you spent trying.",
    )
    contact_made = forms.TypedChoiceField(
        label="Did you see or speak to the family?",
        choices=[("yes", "Yes"), ("no", "No, nobody was in or they did not answer")],
        coerce=lambda value: value == "yes",
        empty_value=None,
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
        help_text="Needed when you saw or spoke to the family.",
    )
    miles = forms.IntegerField(
        label="Miles travelled (for expenses)",
        required=False,
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "min": Visit.MIN_MILES,
                "max": Visit.MAX_MILES,
                "step": 1,
            }
        ),
        help_text="A whole number of miles, from 1 to 999.",
        error_messages={"invalid": services.MILES_MESSAGE},
    )
    has_concern = forms.BooleanField(label="I have a safeguarding concern", required=False)
    concern = forms.CharField(
        label="Your concern",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What you saw or heard, in the words used. Your project manager and the social "
        "worker are told at once.",
    )

    def __init__(self, *args, match=None, draft=False, editing=False, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.match, self.draft = match, draft
        for name, message in services.VISIT_ANSWERS_NEEDED.items():
            self.fields[name].required = not draft
            self.fields[name].error_messages["required"] = message
        self.fields["duration_minutes"].error_messages["invalid"] = services.DURATION_MESSAGE
        if editing:  # a concern is raised when the visit is logged, not by editing it later
            del self.fields["has_concern"]
            del self.fields["concern"]
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting this visit?",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="The volunteer and anyone reading the record will see this.",
                error_messages={"required": services.CORRECTION_REASON_NEEDED},
            )

    def clean(self):
        data = super().clean()
        if data.get("has_concern") and not (data.get("concern") or "").strip():
            self.add_error("concern", "Describe your concern.")
        if data.get("contact_made") is False:  # an attempt: what was not asked is not kept
            data["activities"] = VisitActivity.objects.none()
            data["engagement"] = None
        if self.match is not None:
            problems = services.visit_problems(
                self.match,
                visited_on=data.get("visited_on"),
                duration_minutes=data.get("duration_minutes"),
                contact_made=data.get("contact_made"),
                medium=data.get("medium") or "",
                engagement=data.get("engagement"),
                miles=data.get("miles"),
                draft=self.draft,
            )
            for name, message in problems.items():
                if name in self.fields and name not in self.errors:  # one message a field
                    self.add_error(name, message)
        return data

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data.pop("has_concern", None)
        data.pop("reason", None)
        if not self.cleaned_data.get("has_concern"):
            data["concern"] = ""
        data["place"] = data.get("place") or ""
        data["medium"] = data.get("medium") or ""
        return data

    @classmethod
    def initial_from(cls, visit):
        return {
            "visited_on": visit.visited_on,
            "start_time": visit.start_time,
            "duration_minutes": visit.duration_minutes,
            "contact_made": {True: "yes", False: "no"}.get(visit.contact_made),
            "medium": visit.medium,
            "place": visit.place,
            "activities": list(visit.activities.all()),
            "notes": visit.notes,
            "engagement": visit.engagement,
            "miles": visit.miles,
        }


class GoalForm(forms.Form):
    description = forms.CharField(
        label="The goal",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the goal."},
    )
    need = forms.ModelChoiceField(
        queryset=Need.objects.filter(is_active=True), required=False, label="Need it answers"
    )
    target_date = forms.DateField(widget=DATE, required=False)


class GoalReviewForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[("", "Choose the stage"), *GoalReview.Stage.choices],
        error_messages={"required": "Choose the stage of the review."},
    )
    # No outcome is chosen for the reviewer: they decide it.
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome"), *Goal.Outcome.choices],
        error_messages={"required": "Choose how far the goal was achieved."},
    )
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=DATE,
        initial=timezone.localdate,
        error_messages={"required": "Give the date of the review.", "invalid": "Enter a date."},
    )
    progress = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Note the progress made."},
    )


class FamilyDetailsForm(forms.ModelForm):
    """The family's details as the project keeps them."""

    level_of_need = forms.ModelChoiceField(
        queryset=LevelOfNeed.objects.all(), required=False, label="Level of need"
    )
    needs = SafeModelMultipleChoiceField(
        queryset=Need.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risks = SafeModelMultipleChoiceField(
        label="Risks to a lone visitor",
        queryset=RiskKind.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Family
        fields = [
            "family_name",
            "parents_carers",
            "address",
            "postcode",
            "phone",
            "email",
            "languages",
            "level_of_need",
            "needs",
            "hopes",
            "risks",
            "risk_details",
            "consent_given",
        ]
        labels = {
            "family_name": "Family name",
            "consent_given": "The family consents to having a volunteer",
            "risk_details": "About the risks",
            "hopes": "What the family hopes for",
        }
        widgets = {
            "parents_carers": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "hopes": forms.Textarea(attrs={"rows": 2}),
            "risk_details": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "family_name": {"required": "Give the family's name."},
            "postcode": {"max_length": POSTCODE_TOO_LONG},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The project's own scale of need replaces the default one where it has one.
        levels = LevelOfNeed.objects.filter(project=self.instance.project_id)
        if not levels.exists():
            levels = LevelOfNeed.objects.filter(project=None)
        self.fields["level_of_need"].queryset = levels.order_by("ordinal")
        self.fields["level_of_need"].label_from_instance = lambda level: (
            f"{level.ordinal}. {level.name}"
        )


class ChildDetailsForm(forms.ModelForm):
    cp_category = forms.ModelChoiceField(
        label="Child protection category",
        queryset=CPCategory.objects.filter(is_active=True),
        required=False,
        help_text="For a child on a child protection plan.",
    )

    class Meta:
        model = Child
        fields = ["first_name", "last_name", "date_of_birth", "plan_type", "cp_category"]
        labels = {"plan_type": "Plan"}
        widgets = {"date_of_birth": DATE}
        error_messages = {
            "first_name": {"required": "Give the child's first name."},
            "date_of_birth": {
                "required": "Give the date of birth.",
                "invalid": "Enter a date of birth.",
            },
        }


class ChildLeftForm(forms.Form):
    left_on = forms.DateField(
        label="Left the household on",
        widget=DATE,
        initial=timezone.localdate,
        error_messages={"required": "Give the date the child left.", "invalid": "Enter a date."},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: moved to live with their father; taken into care.",
        error_messages={"required": "Say why the child left the household."},
    )


class ChangeSocialWorkerForm(forms.Form):
    social_worker = forms.ModelChoiceField(
        label="The social worker who now holds the case",
        queryset=None,
        empty_label="Choose a social worker",
        error_messages={"required": "Choose the social worker who now holds the case."},
    )
    reason = forms.CharField(
        label="Why is the case moving?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the social worker moved to another team.",
        error_messages={"required": "Say why the case is moving to another social worker."},
    )

    def __init__(self, *args, social_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers
        self.fields["social_worker"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.organisation})"
            if user.organisation
            else user.get_full_name()
        )


class ChangeVolunteerForm(EndMatchForm):
    """Ending the match and starting one with another volunteer, in one step."""

    volunteer = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        label="The new volunteer",
        error_messages={"required": "Choose the volunteer who will work with the family."},
    )
    field_order = ["volunteer", "reason", "notes"]

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["ended_on"]  # the change happens today
        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            pk__in=[s.volunteer.pk for s in suggestions]
        )
        self.fields["reason"].label = "Why is the match with the current volunteer ending?"


def _scales_without(family, projects):
    """[(label, [(level pk, level)])]: the scales of need of `projects` on which the
    family's level of need is not, each labelled with the projects that use it."""
    scales: dict[tuple[int, ...], tuple[list[str], list[LevelOfNeed]]] = {}
    for project in projects:
        levels = list(LevelOfNeed.for_project(project))
        if family.level_of_need_id in {level.pk for level in levels}:
            continue
        key = tuple(level.pk for level in levels)
        scales.setdefault(key, ([], levels))[0].append(project.name)
    return [
        (f"The scale of {' and '.join(names)}", [(level.pk, str(level)) for level in levels])
        for names, levels in scales.values()
    ]


class MoveProjectForm(forms.Form):
    """Moving the case to another project, and what must change with it."""

    to_project = forms.ModelChoiceField(
        label="The project that will hold the case",
        queryset=None,
        empty_label="Choose a project",
        error_messages={"required": "Choose the project the case is moving to."},
    )
    level_of_need = forms.TypedChoiceField(
        label="The family's level of need on the new project's scale",
        required=False,
        coerce=int,
        empty_value=None,
    )
    reason = forms.CharField(
        label="Why is the case moving?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the family moved to another county.",
        error_messages={"required": "Say why the case is moving to another project."},
    )

    def __init__(self, *args, family, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_project"].queryset = projects
        scales = _scales_without(family, projects) if family.level_of_need_id else []
        if not scales:
            # Every project the case may move to keeps the family's level as it is.
            del self.fields["level_of_need"]
            return
        level = self.fields["level_of_need"]
        level.choices = [("", "Choose a level"), *scales]
        level.help_text = (
            f"Now {family.level_of_need} on {family.project.name}'s scale. Needed only "
            "if the new project uses another scale."
        )

    def clean_level_of_need(self):
        pk = self.cleaned_data.get("level_of_need")
        return LevelOfNeed.objects.filter(pk=pk).first() if pk else None
