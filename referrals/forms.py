from django import forms
from django.forms import formset_factory
from django.utils import timezone

from vicp.forms import DateInput, SafeModelMultipleChoiceField

from .models import CPCategory, LevelOfNeed, Need, PlanType, Referral, RiskKind
from .services import CORRECTABLE_FIELDS, REQUIRED_ONCE_SUBMITTED, level_of_need_problem

# The most children one referral lists: a large household, and a cap on what
# one request can make the server build.
MAX_CHILDREN = 15
DATE = DateInput()
POSTCODE_TOO_LONG = "A postcode has at most 10 characters, for example CB1 2AB."


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "project",
            "referrer_name",
            "referrer_team",
            "referrer_local_authority",
            "referrer_phone",
            "referrer_email",
            "family_name",
            "parents_carers",
            "address",
            "postcode",
            "phone",
            "email",
            "languages",
            "level_of_need",
            "needs",
            "reasons",
            "hopes",
            "risks",
            "risk_details",
            "consent_given",
        ]
        widgets = {
            "parents_carers": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.CheckboxSelectMultiple,
            "risks": forms.CheckboxSelectMultiple,
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "hopes": forms.Textarea(attrs={"rows": 3}),
            "risk_details": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "needs": SafeModelMultipleChoiceField,
            "risks": SafeModelMultipleChoiceField,
        }
        labels = {"level_of_need": "Level of need"}
        # The input does not cut what is typed: a postcode too long is explained.
        error_messages = {"postcode": {"max_length": POSTCODE_TOO_LONG}}
        help_texts = {
            "risk_details": "Anything a volunteer visiting alone must know: dogs, violence, "
            "substance use, other adults.",
        }

    def __init__(self, *args, projects, user, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = None
        self.fields["needs"].queryset = Need.objects.filter(is_active=True)
        self.fields["risks"].queryset = RiskKind.objects.filter(is_active=True)
        levels = LevelOfNeed.objects.filter(project__in=projects) | LevelOfNeed.objects.filter(
            project=None
        )
        self.fields["level_of_need"].queryset = levels.order_by("ordinal")
        self.fields["level_of_need"].label_from_instance = lambda level: (
            f"{level.ordinal}. {level.name}"
        )
        if user.is_social_worker:
            # A social worker refers as themselves: their details come from their account.
            for name in [f for f in self.fields if f.startswith("referrer_")]:
                del self.fields[name]
        else:
            self.fields[
                "referrer_name"
            ].help_text = "For a paper referral: who referred the family."

    def clean(self):
        data = super().clean()
        if self.submitting:
            if not data.get("consent_given"):
                self.add_error(
                    "consent_given",
                    "The family must consent to having a volunteer before you submit.",
                )
            if not data.get("level_of_need"):
                self.add_error("level_of_need", "Choose the level of need.")
            if not (data.get("reasons") or "").strip():
                self.add_error("reasons", "Say why you are referring the family.")
        # The service's own check, asked before saving so that it shows with the rest.
        if data.get("project") and data.get("level_of_need"):
            problem = level_of_need_problem(data["project"], data["level_of_need"].pk)
            if problem:
                self.add_error("level_of_need", problem)
        return data


class ChildForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(widget=DATE)
    plan_type = forms.ChoiceField(label="Plan", choices=PlanType.choices, initial=PlanType.CP)
    cp_category = forms.ModelChoiceField(
        label="Child protection category",
        queryset=CPCategory.objects.filter(is_active=True),
        required=False,
        help_text="For a child on a child protection plan.",
    )

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        try:
            eighteenth = dob.replace(year=dob.year + 18)
        except ValueError:
            eighteenth = dob.replace(year=dob.year + 18, day=28)
        if today >= eighteenth:
            raise forms.ValidationError("This child is 18 or over: the programme is for children.")
        return dob

    def clean(self):
        data = super().clean()
        if data.get("plan_type") == PlanType.CP and not data.get("cp_category"):
            self.add_error("cp_category", "Choose the category of the child protection plan.")
        if data.get("plan_type") != PlanType.CP:
            data["cp_category"] = None
        return data


class BaseChildFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": "A referral can list at most %(num)d children. "
        "Refer a larger household in two referrals, saying so in the reasons.",
    }

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def children(self):
        """Every child the forms hold, changed or not: a child shown from a saved draft and
        left as it was is still a child. Only a blank form added and left untouched (whose
        cleaned data is empty) and a form marked for removal are left out."""
        return [
            form.cleaned_data
            for form in self.forms
            if not self._should_delete_form(form) and form.cleaned_data
        ]

    def clean(self):
        super().clean()
        if self.submitting and not any(self.errors) and not self.children():
            raise forms.ValidationError("Add at least one child.")


# Bound, the formset builds no more than MAX_CHILDREN forms whatever count is posted.
ChildFormSet = formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_CHILDREN,
    absolute_max=MAX_CHILDREN,
    validate_max=True,
)


def posted_child_count(data):
    """The number of children's forms the page says it sent, or None when that is forged."""
    try:
        count = int(data.get("children-TOTAL_FORMS"))
    except (TypeError, ValueError):
        return None
    return count if 0 <= count <= MAX_CHILDREN else None


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The social worker will see this.",
        error_messages={"required": "Give the reason; the social worker will see it."},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReferralCorrectionForm(forms.ModelForm):
    """The referral's own record, corrected by a manager once it is submitted."""

    class Meta:
        model = Referral
        fields = list(CORRECTABLE_FIELDS)
        widgets = {"reasons": ReferralForm.Meta.widgets["reasons"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REQUIRED_ONCE_SUBMITTED:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = REQUIRED_ONCE_SUBMITTED[name]
