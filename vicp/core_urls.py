from django.urls import path

from . import views

app_name = "vicp"

urlpatterns = [
    path("", views.home, name="home"),
    path("social-workers/", views.social_worker_list, name="social_workers"),
    path("social-workers/invite/", views.invite_social_worker, name="invite_social_worker"),
    path(
        "social-workers/<int:pk>/resend-invitation/",
        views.resend_invitation,
        name="resend_invitation",
    ),
]
