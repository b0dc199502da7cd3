"""Family cases: created when a referral is accepted, worked with by a volunteer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from referrals.models import CPCategory, LevelOfNeed, Need, PlanType, Referral, RiskKind
from vicp import dates
from vicp.models import Project


def age_on(date_of_birth, day):
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


class Family(models.Model):
    """A family on the programme. Its case reference, never its name, is in URLs and lists
    shared outside the project."""

    class Status(models.TextChoices):
        AWAITING_MATCH = "awaiting_match", "Awaiting a volunteer"
        MATCHED = "matched", "Working with a volunteer"
        CLOSED = "closed", "Closed"

    class ReviewMissing(models.TextChoices):
        """Why a case closed without its closure risk review (it then counts, in the
        impact figures, among the closed cases that could not be assessed)."""

        FAMILY_MOVED = "family_moved", "Family moved away"
        DISENGAGED = "disengaged", "Family disengaged"
        NOT_CONTACTABLE = "not_contactable", "Family could not be contacted"
        ESCALATED = "escalated", "Escalated to statutory services"
        OTHER = "other", "Another reason"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="families")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="family")
    case_reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_MATCH)
    # The referral as accepted; the family's details are kept up to date here.
    family_name = models.CharField(max_length=150)
    parents_carers = models.TextField("parents and carers", blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    languages = models.CharField(max_length=200, blank=True)
    level_of_need = models.ForeignKey(
        LevelOfNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="+")
    hopes = models.TextField(blank=True)
    risks = models.ManyToManyField(RiskKind, blank=True, related_name="+")
    risk_details = models.TextField(blank=True)
    consent_given = models.BooleanField(default=False)
    accepted_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_review_missing_reason = models.CharField(
        "why there is no closure risk review",
        max_length=20,
        choices=ReviewMissing.choices,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    anonymised_on = models.DateField(
        null=True, blank=True, help_text="Personal details removed under the retention policy."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-accepted_on", "-pk"]
        verbose_name_plural = "families"
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["project", "closed_on"]),
            # Recently closed cases across projects (evaluations still to ask for).
            models.Index(
                fields=["closed_on"], condition=Q(status="closed"), name="family_closed_on"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_match", "matched", "closed"]),
                name="family_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(closed_on=None) | Q(status="closed"), name="family_closed_on_if_closed"
            ),
            models.CheckConstraint(
                condition=Q(closure_review_missing_reason="")
                | (
                    Q(status="closed")
                    & Q(
                        closure_review_missing_reason__in=[
                            "family_moved",
                            "disengaged",
                            "not_contactable",
                            "escalated",
                            "other",
                        ]
                    )
                ),
                name="family_review_missing_reason_if_closed",
            ),
        ]

    def __str__(self):
        return self.case_reference


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    plan_type = models.CharField(max_length=10, choices=PlanType.choices, default=PlanType.CP)
    cp_category = models.ForeignKey(
        CPCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A child who no longer lives with the family stays on the record, marked so.
    left_household_on = models.DateField("left the household on", null=True, blank=True)
    left_household_reason = models.TextField("why", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date_of_birth", "pk"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_type__in=["cp", "cin", "none"]), name="child_plan_valid"
            ),
        ]

    def __str__(self):
        return self.first_name

    @property
    def age(self):
        return age_on(self.date_of_birth, timezone.localdate())


class FamilyStatusChange(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"

    def get_to_status_display(self):
        return Family.Status(self.to_status).label

    def get_from_status_display(self):
        return Family.Status(self.from_status).label if self.from_status else "New"


class CaseReferenceCounter(models.Model):
    """The last case number given in a project and year; locked while a number is taken."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="case_counter_unique")
        ]

    def __str__(self):
        return f"{self.project_id}/{self.year}: {self.last_number}"


class FamilyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class FamilyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class VisitActivity(models.Model):
    """What a volunteer did on a visit (reference data, edited by admins)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "visit activities"

    def __str__(self):
        return self.name


class Match(models.Model):
    """One volunteer working with one family, from `started_on` to `ended_on`."""

    class EndReason(models.TextChoices):
        PLANNED = "planned", "Planned ending: the work is done"
        DISENGAGED = "disengaged", "The family disengaged"
        ESCALATED = "escalated", "Escalated to statutory services"
        VOLUNTEER_LEFT = "volunteer_left", "The volunteer left or stepped back"
        FAMILY_MOVED = "family_moved", "The family moved away"
        OTHER = "other", "Another reason"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="matches")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="matches"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # While an allegation about the volunteer is looked into, they are suspended: the match
    # stays (the family keeps its place), but the volunteer has no access to the family.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suspended_for = models.ForeignKey(
        "Concern", null=True, blank=True, on_delete=models.PROTECT, related_name="suspensions"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name_plural = "matches"
        constraints = [
            # The database itself refuses a second active match, so two requests
            # at the same moment can never both succeed.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(ended_on=None),
                name="one_active_match_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["family"], condition=Q(ended_on=None), name="one_active_match_per_family"
            ),
            models.CheckConstraint(
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")),
                name="match_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.family} with volunteer {self.volunteer_id}"

    @property
    def is_active(self):
        return self.ended_on is None

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    @property
    def volunteer_has_access(self):
        """The volunteer works with the family now: the match is active, not suspended."""
        return self.ended_on is None and self.suspended_at is None


class Visit(models.Model):
    class Medium(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"

    class Place(models.TextChoices):
        HOME = "home", "The family's home"
        SCHOOL = "school", "School or nursery"
        APPOINTMENT = "appointment", "An appointment (GP, housing, benefits...)"
        COMMUNITY = "community", "Out in the community"
        REMOTE = "remote", "Not in person"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LOGGED = "logged", "Logged"
        # A draft left when its match ended: a manager finishes or discards it.
        UNFINISHED = "unfinished", "Not finished (the match ended)"
        DISCARDED = "discarded", "Discarded"

    MIN_MINUTES, MAX_MINUTES = 15, 480
    # What the form suggests: a visit of about two hours, or a short try when nobody was in.
    VISIT_MINUTES, ATTEMPT_MINUTES = 120, 15
    MIN_MILES, MAX_MILES = 1, 999
    MIN_ENGAGEMENT, MAX_ENGAGEMENT = 1, 5

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="visits")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOGGED)
    visited_on = models.DateField("date")
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("how long (minutes)", null=True, blank=True)
    contact_made = models.BooleanField("did you see the family?", null=True, blank=True)
    medium = models.CharField("how", max_length=10, choices=Medium.choices, blank=True)
    place = models.CharField("where", max_length=15, choices=Place.choices, blank=True)
    activities = models.ManyToManyField(VisitActivity, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    engagement = models.PositiveSmallIntegerField(
        "the family's engagement", null=True, blank=True, help_text="1 (not at all) to 5 (fully)"
    )
    miles = models.PositiveSmallIntegerField("miles travelled", null=True, blank=True)
    claim_paid_at = models.DateTimeField(null=True, blank=True)
    claim_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discarded_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visited_on", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["match", "status", "visited_on"]),
            # The last contact of each active match (the managers' "no contact" alert):
            # one index-only probe per match.
            models.Index(
                fields=["match", "visited_on"],
                condition=Q(status="logged", contact_made=True),
                name="visit_contact_by_match",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes=None)
                | (Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480)),
                name="visit_duration_15_to_480",
            ),
            # A draft keeps whatever was typed; a logged visit has every answer.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "unfinished", "discarded"])
                | (~Q(duration_minutes=None) & ~Q(contact_made=None) & ~Q(medium="")),
                name="visit_logged_is_answered",
            ),
            models.CheckConstraint(
                condition=Q(engagement=None) | (Q(engagement__gte=1) & Q(engagement__lte=5)),
                name="visit_engagement_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(miles=None) | (Q(miles__gte=1) & Q(miles__lte=999)),
                name="visit_miles_1_to_999",
            ),
            models.CheckConstraint(
                condition=Q(claim_paid_at=None) | ~Q(miles=None), name="visit_paid_claim_has_miles"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "logged", "unfinished", "discarded"]),
                name="visit_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(discarded_at=None) | Q(status="discarded"),
                name="visit_discarded_at_if_discarded",
            ),
        ]

    def __str__(self):
        return f"Visit {self.pk} on {dates.day(self.visited_on)}"


class ConcernCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    EXPLOITATION = "exploitation", "Exploitation (criminal or sexual)"
    OTHER = "other", "Something else"


class ConcernOutcome(models.TextChoices):
    """What a concern led to (Working Together to Safeguard Children 2023)."""

    MASH = "mash", "Referred to children's social care (front door / MASH)"
    SOCIAL_WORKER = "social_worker", "Social worker informed and acting"
    LADO = "lado", "Referred to the LADO"
    POLICE = "police", "Reported to the police"
    STRATEGY = "strategy", "Strategy discussion held"
    ADVICE = "advice", "Advice given"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    # Only for concerns closed when no outcome was asked for; never chosen.
    NOT_RECORDED = "not_recorded", "Outcome not recorded"

    @classmethod
    def choosable(cls):
        return [(value, label) for value, label in cls.choices if value != cls.NOT_RECORDED]


class Concern(models.Model):
    """A safeguarding concern about a family's children, raised from a visit or at any
    time; acknowledged, worked through an actions log and closed with an outcome.

    An allegation against someone in a position of trust (a volunteer, a member of staff)
    is a concern of its own kind: only the project's safeguarding leads and the
    administrators read it, and the volunteer concerned may be suspended from their match
    while it is looked into."""

    # What was recorded about the concern, which a manager may correct (with a reason).
    CORRECTABLE_FIELDS = ("category", "details", "noticed_at", "immediate_danger")

    class Kind(models.TextChoices):
        CHILD = "child", "A worry about a child's safety or welfare"
        ALLEGATION = "allegation", "An allegation about a volunteer or member of staff"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="concerns")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHILD)
    # For an allegation: the person it is about, when they have an account, and in words.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_description = models.CharField(
        "who the allegation is about", max_length=200, blank=True
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    category = models.CharField(
        max_length=20, choices=ConcernCategory.choices, default=ConcernCategory.OTHER
    )
    details = models.TextField("what was seen or heard")
    noticed_at = models.DateTimeField("when it was seen or heard", null=True, blank=True)
    immediate_danger = models.BooleanField("a child is in immediate danger", default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Set once, when the unacknowledged concern was escalated: the alert is never sent twice.
    escalated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ConcernOutcome.choices, blank=True)
    follow_up = models.TextField("reasons for the outcome", blank=True)
    information_shared = models.TextField("information shared, with whom and why", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["family", "closed_at"]),
            models.Index(fields=["closed_at", "acknowledged_at", "raised_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at=None) | ~Q(outcome=""), name="concern_closed_with_outcome"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at=None) | Q(acknowledged_by__isnull=False),
                name="concern_acknowledged_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(kind="child", subject=None, subject_description="")
                | Q(kind="allegation") & (Q(subject__isnull=False) | ~Q(subject_description="")),
                name="concern_allegation_names_its_subject",
            ),
        ]

    def __str__(self):
        return f"Concern {self.pk} ({self.family})"

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def is_allegation(self):
        return self.kind == self.Kind.ALLEGATION

    @property
    def status_label(self):
        """The status a volunteer who raised the concern is told."""
        if self.closed_at:
            return "Closed"
        return "Acknowledged" if self.acknowledged_at else "Received"


class ConcernAction(models.Model):
    """An entry in a concern's actions log: what was done and who was told, how. Entries
    never close the concern; they are kept as written (a mistake is put right by a later
    entry)."""

    class Means(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"
        LETTER = "letter", "Letter"
        NOBODY = "nobody", "Nobody was told"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    done_at = models.DateTimeField("when it was done")
    action = models.TextField("what was done")
    informed = models.CharField("who was told", max_length=200, blank=True)
    means = models.CharField("how", max_length=20, choices=Means.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "pk"]

    def __str__(self):
        return f"Action {self.pk} on concern {self.concern_id}"


class VisitChange(models.Model):
    """An edit of a logged visit: who, when, why, and each field before → after."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Change to visit {self.visit_id} at {dates.moment(self.at)}"

    def readable(self):
        """[(field label, before, after)] for people reading the record."""
        rows = []
        for name, (before, after) in self.changes.items():
            label = Visit._meta.get_field(name).verbose_name
            rows.append((label[:1].upper() + label[1:], before, after))
        return rows


class MileageRate(models.Model):
    """Pence a mile paid for volunteers' travel, from a date (rates are dated data).

    A rate without a project applies to every project that has none of its own.
    """

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="mileage_rates"
    )
    pence_per_mile = models.PositiveSmallIntegerField()
    valid_from = models.DateField()

    class Meta:
        ordering = ["project_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "valid_from"], name="mileage_rate_unique_date"
            ),
            models.CheckConstraint(
                condition=Q(pence_per_mile__gte=1), name="mileage_rate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.pence_per_mile}p a mile from {dates.day(self.valid_from)}"


class Goal(models.Model):
    """One aim of the written plan of work, agreed with the family."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="goals")
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("the goal")
    star_area = models.CharField(
        "Family Star area",
        max_length=50,
        blank=True,
        help_text="Optional: the area it should improve.",
    )
    target_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self):
        return self.description[:60]


class GoalReview(models.Model):
    class Stage(models.TextChoices):
        REVIEW = "review", "Review (about 3 months)"
        END = "end", "End of the work"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    reviewed_on = models.DateField()
    progress = models.TextField()
    outcome = models.CharField(max_length=20, choices=Goal.Outcome.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "stage"], name="one_review_per_goal_and_stage")
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.get_outcome_display()}"


class SubjectAccessExport(models.Model):
    """Everything held about a family, gathered for a subject access request."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    json_file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    pdf_file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    # The PDF, the JSON and every version of the case's and the referral's documents.
    zip_file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export {self.pk} of {self.family}"


class CaseNote(models.Model):
    """A manager's or social worker's note of a contact about the case: a phone call, an
    email, a meeting or a text message, with whom and when. A sensitive note is read by
    the project's managers only."""

    # What a note's writer or the project's managers may correct; its history keeps the rest.
    CORRECTABLE_FIELDS = (
        "kind",
        "with_whom",
        "with_whom_detail",
        "happened_at",
        "summary",
        "sensitive",
    )

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting"
        TEXT = "text", "Text message"

    class WithWhom(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "The social worker"
        FAMILY = "family", "A family member"
        SCHOOL = "school", "The school"
        HEALTH_VISITOR = "health_visitor", "A health visitor"
        OTHER = "other", "Someone else"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="case_notes")
    kind = models.CharField("kind of contact", max_length=10, choices=Kind.choices)
    with_whom = models.CharField("with whom", max_length=20, choices=WithWhom.choices)
    with_whom_detail = models.CharField(
        "who exactly",
        max_length=100,
        blank=True,
        help_text='For example "Mum" or "Head of Year 3".',
    )
    happened_at = models.DateTimeField("when it happened")
    summary = models.TextField("what was said or agreed")
    sensitive = models.BooleanField("sensitive: the project's managers only", default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["family", "happened_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["phone", "email", "meeting", "text"]),
                name="case_note_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    with_whom__in=["social_worker", "family", "school", "health_visitor", "other"]
                ),
                name="case_note_with_whom_valid",
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="case_note_has_summary"),
        ]

    def __str__(self):
        return f"Note {self.pk} ({self.family_id})"

    @property
    def with_whom_words(self):
        """As a sentence goes on: "the social worker (Jo Bloggs)", "a family member (Mum)"."""
        label = self.get_with_whom_display()
        label = label[:1].lower() + label[1:]
        return f"{label} ({self.with_whom_detail})" if self.with_whom_detail else label
