from decimal import Decimal

from django import forms

from vicp.forms import DateInput, SafeModelMultipleChoiceField
from vicp.models import Project

from .models import DBSCheck, Interview, Reference, TrainingSession, Volunteer


def _date():
    return DateInput()


# What the hours column holds (4 digits, one after the point), so the input says the same.
MOST_HOURS = Decimal("999.9")
POSTCODE_MESSAGE = "Enter a UK postcode, for example CB1 2AB."
# Also for one too long to be a postcode: the input does not cut what is typed.
POSTCODE_ERRORS = {"postcode": {"max_length": POSTCODE_MESSAGE}}


class _ContactDetailsCleaning:
    cleaned_data: dict

    def clean_postcode(self):
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        compact = postcode.replace(" ", "")
        if not (5 <= len(compact) <= 7 and compact[:1].isalpha() and compact[-3:-2].isdigit()):
            raise forms.ValidationError(POSTCODE_MESSAGE)
        return compact[:-3] + " " + compact[-3:]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if len(digits) < 10 or any(c not in "0123456789 +()-" for c in phone):
            raise forms.ValidationError("Enter a phone number, for example 07700 900123.")
        return phone


class ApplicationForm(_ContactDetailsCleaning, forms.ModelForm):
    """The public "Volunteer with us" form."""

    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        label="Where would you like to volunteer?",
        empty_label="Choose a project",
    )
    availability_days = forms.MultipleChoiceField(
        label="Days you are usually free",
        choices=Volunteer.Day.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_to_checks = forms.BooleanField(
        label=(
            "I agree to an enhanced DBS check (with the children's barred list) and to "
            "you asking two referees about me"
        ),
        error_messages={"required": "We can only consider applicants who agree to the checks."},
    )
    # A trap for bots: hidden from people, so anything typed here is not a person.
    website = forms.CharField(label="Leave this empty", required=False)

    class Meta:
        model = Volunteer
        fields = [
            "project",
            "first_name",
            "last_name",
            "email",
            "phone",
            "postcode",
            "availability_days",
            "availability_times",
            "languages",
            "experience",
            "drives",
            "heard_about",
            "consent_to_checks",
        ]
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "email": "Email address",
            "phone": "Phone number",
            "availability_times": "Times you are usually free",
            "languages": "Languages you speak",
            "experience": "Relevant experience (work, volunteering or your own family life)",
            "drives": "I drive and have a car",
            "heard_about": "How did you hear about us?",
        }
        error_messages = POSTCODE_ERRORS
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "experience": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(is_active=True)
        self.fields["heard_about"].choices = [
            ("", "Choose one (optional)"),
            *Volunteer.HeardAbout.choices,
        ]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self):
        return bool(self.data.get(self.add_prefix("website")))

    def application_fields(self):
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(label="Interview", choices=Interview.Kind.choices)
    outcome = forms.ChoiceField(choices=Interview.Outcome.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label="Date held", widget=_date())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DBSCheckForm(forms.Form):
    certificate_number = forms.CharField(
        max_length=20,
        help_text="12 digits, printed at the top right of the certificate.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    issued_on = forms.DateField(label="Date of issue", widget=_date())
    result = forms.ChoiceField(choices=DBSCheck.Result.choices, widget=forms.RadioSelect)
    barred_list_checked = forms.BooleanField(
        label="Enhanced check with the children's barred list", required=False, initial=True
    )
    update_service = forms.BooleanField(
        label="Subscribed to the DBS Update Service", required=False
    )
    last_status_check_on = forms.DateField(
        label="Last Update Service status check", required=False, widget=_date()
    )

    def clean_certificate_number(self):
        number = self.cleaned_data["certificate_number"].replace(" ", "")
        if not (len(number) == 12 and number.isascii() and number.isdigit()):
            raise forms.ValidationError(
                "A DBS certificate number is 12 digits, for example 001234567890."
            )
        return number


class DisclosureDecisionForm(forms.Form):
    risk_assessment = forms.CharField(
        label="Risk assessment: why the disclosure is accepted",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferenceForm(forms.Form):
    referee_name = forms.CharField(label="Referee's name", max_length=200)
    relationship = forms.CharField(
        label="Relationship to the applicant", max_length=200, help_text="For example: employer."
    )
    outcome = forms.ChoiceField(
        label="Reference", choices=Reference.Outcome.choices, widget=forms.RadioSelect
    )
    received_on = forms.DateField(label="Date received", widget=_date())


class TrainingForm(forms.Form):
    session = forms.ModelChoiceField(queryset=TrainingSession.objects.none())
    hours = forms.DecimalField(
        label="Hours attended",
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        max_value=MOST_HOURS,
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class SupervisionForm(forms.Form):
    held_on = forms.DateField(label="Date held", widget=_date())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    next_due = forms.DateField(
        label="Next supervision due",
        required=False,
        widget=_date(),
        help_text="Leave empty for the usual interval.",
    )


class NotProgressedForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    alternative_suggested = forms.CharField(
        label="Alternatives suggested to the person",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other volunteering roles you suggested.",
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Why reopen?", widget=forms.Textarea(attrs={"rows": 3}))


class LeavingForm(forms.Form):
    reason = forms.CharField(
        label="Why are they leaving?", widget=forms.Textarea(attrs={"rows": 3})
    )


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["project", "title", "held_on", "hours", "kind"]
        widgets = {"held_on": _date()}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = None


class AttendanceForm(forms.Form):
    volunteers = SafeModelMultipleChoiceField(
        label="Who attended",
        queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one volunteer."},
    )
    hours = forms.DecimalField(
        label="Hours attended by each",
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        max_value=MOST_HOURS,
        help_text="Change it for someone who left early by recording them separately.",
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = volunteers
        self.fields["volunteers"].label_from_instance = lambda v: (
            f"{v.full_name} ({v.get_stage_display()})"
        )


class DetailsForm(_ContactDetailsCleaning, forms.ModelForm):
    """A manager's correction of the applicant's own details."""

    availability_days = forms.MultipleChoiceField(
        label="Days available",
        choices=Volunteer.Day.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Volunteer
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "postcode",
            "availability_days",
            "availability_times",
            "languages",
            "experience",
            "drives",
            "heard_about",
        ]
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "email": "Email address",
            "phone": "Phone number",
            "availability_times": "Times available",
            "languages": "Languages spoken",
            "experience": "Relevant experience",
            "drives": "Drives and has a car",
            "heard_about": "How they heard of us",
        }
        error_messages = POSTCODE_ERRORS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "experience": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heard_about"].choices = [("", "Not known"), *Volunteer.HeardAbout.choices]

    def details(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class WithdrawStepForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: recorded on the wrong volunteer, or with the wrong date.",
    )


class AcknowledgeReferenceForm(forms.Form):
    note = forms.CharField(
        label="How were the concerns considered?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the reference said, and why recruitment may still go ahead.",
    )
