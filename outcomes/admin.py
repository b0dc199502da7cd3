from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from vicp.admin import ReadOnlyAdminMixin

from .models import (
    ChildStatus,
    Evaluation,
    Measure,
    MeasureScore,
    OutcomeArea,
    OutcomeScale,
    Question,
    Questionnaire,
    RiskReview,
    UnitCosts,
)


class OutcomeAreaInline(admin.TabularInline):
    model = OutcomeArea
    extra = 0


@admin.register(OutcomeScale)
class OutcomeScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "min_score", "max_score", "is_default")
    inlines = [OutcomeAreaInline]


# --- Measures, unit costs, and recorded risk reviews and scores ------------------------------


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "about",
        "min_score",
        "max_score",
        "higher_is_better",
        "position",
        "is_active",
    )
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    # Recorded scores were checked against the range and are read in this direction.
    fixed_once_used = ("slug", "about", "min_score", "max_score", "higher_is_better")

    def _used(self, obj):
        return obj is not None and obj.scores.exists()

    def get_readonly_fields(self, request, obj=None):
        return self.fixed_once_used if self._used(obj) else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self._used(obj) else self.prepopulated_fields


SAVINGS_METHOD = (
    "<p>How the impact report estimates savings, for the families whose case closed in its "
    "period: each child whose plan changed between the family's first risk review (at "
    "referral) and its review at closure counts as one year of the difference in plan costs. "
    "A child who steps down from a child protection plan to a child in need plan saves the "
    "first cost less the second; a child who comes off a plan saves the whole cost; a step "
    "up counts against the savings.</p>"
    "<p>The cost of the scheme is its yearly running cost, pro rata for the days of the "
    "period. Net savings are the estimated savings less the cost of the scheme.</p>"
    "<p>A report uses the unit costs in force on the last day of its period (the latest "
    "<em>valid from</em> on or before it): the project's own, or else those without a "
    "project. To change the figures from a date, add a new row rather than editing an old "
    "one, so that earlier reports can still be explained.</p>"
)


@admin.register(UnitCosts)
class UnitCostsAdmin(admin.ModelAdmin):
    list_display = (
        "valid_from",
        "project_or_default",
        "cp_plan_child_year",
        "cin_plan_child_year",
        "scheme_year",
    )
    list_filter = ("project",)
    list_select_related = ("project",)
    fieldsets = (
        (
            None,
            {
                "fields": ("project", "valid_from"),
                "description": "Leave the project empty for the default that applies to "
                "every project without unit costs of its own.",
            },
        ),
        (
            "Costs in pounds",
            {
                "fields": ("cp_plan_child_year", "cin_plan_child_year", "scheme_year", "source"),
                "description": SAVINGS_METHOD,
            },
        ),
    )

    @admin.display(description="project", ordering="project__name")
    def project_or_default(self, obj):
        return obj.project or "Default (every project)"


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Recorded outcomes change only through ViCP's services, which check and audit: the
    admin shows them and their history for oversight, and changes nothing."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted old version even when its "Revert" button is
        # hidden: refuse the post itself.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ChildStatusInline(admin.TabularInline):
    model = ChildStatus
    fields = ("child", "plan_type", "school_attendance")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskReview)
class RiskReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ("family", "stage", "reviewed_on", "level_of_need", "recorded_by")
    list_filter = ("stage", "family__project")
    list_select_related = ("family", "level_of_need", "recorded_by")
    search_fields = ("family__case_reference",)
    date_hierarchy = "reviewed_on"
    inlines = [ChildStatusInline]


@admin.register(MeasureScore)
class MeasureScoreAdmin(ReadOnlyHistoryAdmin):
    list_display = ("family", "measure", "about", "stage", "taken_on", "score", "recorded_by")
    list_filter = ("measure", "stage", "family__project")
    list_select_related = ("family", "measure", "child", "recorded_by")
    search_fields = ("family__case_reference",)
    date_hierarchy = "taken_on"

    @admin.display(description="about")
    def about(self, obj):
        return obj.child.first_name if obj.child_id else obj.parent


# --- End-of-work evaluations ------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ("position", "slug", "text", "kind", "required", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Answers are stored under the slug, as a rating or a text: a question keeps
            # both for life. Reword its text freely; untick "active" to retire it.
            self.fields["slug"].disabled = True
            self.fields["kind"].disabled = True


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionForm
    extra = 0
    can_delete = False  # retire a question instead: answers given to it stay readable


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """The three evaluation forms (one per respondent, seeded by a migration): their
    wording and questions are data that administrators edit here."""

    list_display = ("title", "respondent")
    readonly_fields = ("respondent",)
    fields = ("respondent", "title", "introduction")
    inlines = [QuestionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: evaluations are given through ViCP (or the family's link), never here."""

    list_display = ("family", "respondent", "submitted_by", "submitted_at")
    list_filter = ("respondent", "family__project")
    list_select_related = ("family", "submitted_by")
    search_fields = ("family__case_reference",)
    date_hierarchy = "submitted_at"
    fields = ("family", "respondent", "questionnaire", "submitted_by", "submitted_at", "answers")
    readonly_fields = fields
