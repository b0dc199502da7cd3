from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thank-you/", views.applied, name="applied"),
    path("", views.board, name="board"),
    path("export.<export:fmt>", views.export, name="export"),
    path("me/", views.my_record, name="my_record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/interviews/", views.record_interview, name="record_interview"),
    path("<int:pk>/dbs/", views.record_dbs_check, name="record_dbs_check"),
    path(
        "<int:pk>/dbs/<int:dbs_pk>/accept-disclosure/",
        views.accept_disclosure,
        name="accept_disclosure",
    ),
    path("<int:pk>/references/", views.record_reference, name="record_reference"),
    path("<int:pk>/training/", views.record_training, name="record_training"),
    path("<int:pk>/supervision/", views.record_supervision, name="record_supervision"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path(
        "<int:pk>/references/<int:reference_pk>/acknowledge/",
        views.acknowledge_reference,
        name="acknowledge_reference",
    ),
    path(
        "<int:pk>/interviews/<int:step_pk>/withdraw/",
        views.withdraw_step,
        {"kind": "interview"},
        name="withdraw_interview",
    ),
    path(
        "<int:pk>/dbs/<int:step_pk>/withdraw/",
        views.withdraw_step,
        {"kind": "dbs_check"},
        name="withdraw_dbs_check",
    ),
    path(
        "<int:pk>/references/<int:step_pk>/withdraw/",
        views.withdraw_step,
        {"kind": "reference"},
        name="withdraw_reference",
    ),
    path(
        "<int:pk>/training/<int:step_pk>/withdraw/",
        views.withdraw_step,
        {"kind": "training"},
        name="withdraw_training",
    ),
    path("<int:pk>/not-progressed/", views.not_progressed, name="not_progressed"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/left/", views.record_leaving, name="record_leaving"),
    path("training/", views.training_list, name="training_list"),
    path("training/export.<export:fmt>", views.training_export, name="training_export"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
]
