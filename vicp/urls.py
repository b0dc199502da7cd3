from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path

import families.urls

from . import core_urls, views
from .composition import urls as composed
from .forms import RESETS_PER_ADDRESS_PER_HOUR, QueuedPasswordResetForm, SignInForm

# Only administrators use Django's admin; everyone else signs in through ViCP's page.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "ViCP administration"
admin.site.site_title = "ViCP administration"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"per_hour": RESETS_PER_ADDRESS_PER_HOUR}
        ),
        name="password_reset_done",
    ),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("volunteers/", include("volunteers.urls")),
    path("referrals/", include("referrals.urls")),
    path(
        "families/",
        include((families.urls.urlpatterns + composed.families_patterns, families.urls.app_name)),
    ),
    path("outcomes/", include("outcomes.urls")),
    path("", include((core_urls.urlpatterns + composed.vicp_patterns, "vicp"))),
]
