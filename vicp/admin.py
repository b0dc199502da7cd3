from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import AuditEvent, Project, User
from .two_step import has_two_step


def _admins_only(request):
    user = request.user
    return user.is_active and user.is_staff and user.role == User.Role.ADMIN


admin.site.has_permission = _admins_only

# django-otp's admin shows and edits every authenticator's secret. An administrator
# only resets a person's two-step sign-in (an action on the user), and sees no secret.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class UserInviteForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "phone", "organisation", "team")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Administrators provision people; new accounts get a set-password email."""

    add_form = UserInviteForm
    add_fieldsets = ((None, {"fields": UserInviteForm.Meta.fields}),)
    fieldsets = (
        (None, {"fields": ("email", "role")}),
        (
            "Personal details",
            {"fields": ("first_name", "last_name", "phone", "organisation", "team")},
        ),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "two_step_sign_in")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined", "two_step_sign_in")
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    actions = ["resend_invitations", "end_all_sessions", "reset_two_step_sign_in"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        user = services.invite_user(
            by=request.user,
            **{field: data[field] for field in UserInviteForm.Meta.fields},
        )
        # The admin carries on with this object (its change page, the log).
        obj.pk = user.pk
        obj._state.adding = False

    @admin.action(description="Email a new set-password link")
    def resend_invitations(self, request, queryset):
        for user in queryset:
            try:
                services.resend_invitation(user, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.WARNING)

    @admin.display(boolean=True, description="Two-step sign-in")
    def two_step_sign_in(self, obj):
        return obj.pk is not None and has_two_step(obj)

    @admin.action(description="Reset two-step sign-in (a lost phone): set it up again")
    def reset_two_step_sign_in(self, request, queryset):
        for user in queryset:
            services.disable_two_factor(user, by=request.user)
        self.message_user(
            request,
            f"Two-step sign-in reset for {queryset.count()} people: it is asked for again "
            "at their next sign-in where their role needs it.",
        )

    @admin.action(description="Sign out everywhere (end all sessions)")
    def end_all_sessions(self, request, queryset):
        for user in queryset:
            services.end_sessions(user, by=request.user)
        self.message_user(request, f"Ended the sessions of {queryset.count()} people.")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = (
            "name",
            "code",
            "local_authority",
            "managers",
            "is_active",
            "safeguarding_lead",
            "deputy_safeguarding_lead",
            "safeguarding_phone",
        )

    def clean(self):
        data = super().clean()
        managers = set(data.get("managers") or [])
        lead, deputy = data.get("safeguarding_lead"), data.get("deputy_safeguarding_lead")
        # The leads handle the project's concerns, so they must be able to see its cases.
        for field, person in (("safeguarding_lead", lead), ("deputy_safeguarding_lead", deputy)):
            if person is not None and not person.is_admin and person not in managers:
                self.add_error(
                    field,
                    f"{person} is not one of this project's managers: add them as a manager, "
                    "or choose an administrator.",
                )
        if lead is not None and lead == deputy:
            self.add_error(
                "deputy_safeguarding_lead", "The deputy must be someone other than the lead."
            )
        return data


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectForm
    list_display = ("name", "code", "local_authority", "safeguarding_lead", "is_active")
    list_select_related = ("safeguarding_lead",)
    search_fields = ("name", "code")
    fieldsets = (
        (None, {"fields": ("name", "code", "local_authority", "managers", "is_active")}),
        (
            "Safeguarding",
            {"fields": ("safeguarding_lead", "deputy_safeguarding_lead", "safeguarding_phone")},
        ),
    )


class ReadOnlyAdminMixin:
    """Records that change only through ViCP's services (which check and audit): the admin
    shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail cannot be changed through the application."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "project", "ip_address")
    list_filter = ("action", "project")
    search_fields = ("action", "object_type", "object_id", "actor__email")
    date_hierarchy = "at"
    list_select_related = ("actor", "project")
