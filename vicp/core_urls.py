"""The kernel's own pages: accounts, two-step sign-in, social workers and the audit log.

Mounted with the composed home page in the `vicp` namespace by vicp/urls.py.
"""

from django.urls import include, path

from . import two_factor_views, views
from .documents import urls as document_urls

urlpatterns = [
    path("social-workers/", views.social_worker_list, name="social_workers"),
    path(
        "social-workers/export.<export:fmt>",
        views.social_worker_export,
        name="social_worker_export",
    ),
    path("social-workers/invite/", views.invite_social_worker, name="invite_social_worker"),
    path(
        "social-workers/<int:pk>/resend-invitation/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("documents/", include(document_urls)),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.<export:fmt>", views.audit_log_export, name="audit_log_export"),
    path("account/confirm-password/", views.confirm_password, name="confirm_password"),
    path("account/two-step/", two_factor_views.manage, name="two_factor"),
    path("account/two-step/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("account/two-step/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path(
        "account/two-step/recovery-codes/",
        two_factor_views.new_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("account/two-step/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
]
