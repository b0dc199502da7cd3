from django.urls import path

from . import views

app_name = "families"

# The case page itself (`detail`), closing a case and the subject access export show
# records of several apps, so they are composed in vicp/composition (its urls.py) and
# mounted into this namespace by vicp/urls.py.

urlpatterns = [
    path("", views.family_list, name="list"),
    path("export.<export:fmt>", views.family_export, name="export"),
    path("<int:pk>/match/", views.match_volunteer, name="match"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path("<int:pk>/social-worker/", views.change_social_worker, name="change_social_worker"),
    path("<int:pk>/project/", views.move_project, name="move_project"),
    path("matches/<int:pk>/change/", views.change_volunteer, name="change_volunteer"),
    path("<int:pk>/children/new/", views.add_child, name="add_child"),
    path("children/<int:pk>/edit/", views.edit_child, name="edit_child"),
    path("children/<int:pk>/left/", views.child_left, name="child_left"),
    path("<int:pk>/reopen/", views.reopen_case, name="reopen_case"),
    path("<int:pk>/visits/new/", views.log_visit, name="log_visit"),
    path("<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("goals/<int:pk>/edit/", views.edit_goal, name="edit_goal"),
    path("goals/<int:pk>/review/", views.review_goal, name="review_goal"),
    path("matches/<int:pk>/end/", views.end_match, name="end_match"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/finish/", views.finish_visit, name="finish_visit"),
    path("visits/<int:pk>/edit/", views.edit_visit, name="edit_visit"),
    path("visits/<int:pk>/discard/", views.discard_draft, name="discard_draft"),
    path("<int:pk>/concerns/new/", views.raise_concern, name="raise_concern"),
    path("concerns/", views.concern_list, name="concerns"),
    path("concerns/export.<export:fmt>", views.concerns_export, name="concerns_export"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("concerns/<int:pk>/acknowledge/", views.acknowledge_concern, name="acknowledge_concern"),
    path("concerns/<int:pk>/actions/", views.log_concern_action, name="log_concern_action"),
    path("concerns/<int:pk>/close/", views.close_concern, name="close_concern"),
    path("concerns/<int:pk>/reopen/", views.reopen_concern, name="reopen_concern"),
    path("concerns/<int:pk>/correct/", views.correct_concern, name="correct_concern"),
    path("concerns/<int:pk>/suspend/", views.suspend_volunteer, name="suspend_volunteer"),
    path("concerns/<int:pk>/lift-suspension/", views.lift_suspension, name="lift_suspension"),
    path("<int:pk>/notes/new/", views.add_case_note, name="add_case_note"),
    path("notes/<int:pk>/", views.correct_case_note, name="correct_case_note"),
    path("mileage/", views.claims, name="claims"),
    path("mileage/export.<export:fmt>", views.claims_export, name="claims_export"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/export.<export:fmt>", views.visit_export, name="visit_export"),
]
