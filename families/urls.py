from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/match/", views.match_volunteer, name="match"),
    path("<int:pk>/close/", views.close_case, name="close_case"),
    path("<int:pk>/visits/new/", views.log_visit, name="log_visit"),
    path("<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("goals/<int:pk>/review/", views.review_goal, name="review_goal"),
    path("matches/<int:pk>/end/", views.end_match, name="end_match"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/finish/", views.finish_visit, name="finish_visit"),
    path("visits/<int:pk>/edit/", views.edit_visit, name="edit_visit"),
    path("concerns/<int:pk>/close/", views.close_concern, name="close_concern"),
    path("<int:pk>/subject-access/", views.sar_request, name="sar_request"),
    path("exports/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("exports/<int:pk>/download/<str:kind>/", views.sar_download, name="sar_download"),
    path("mileage/", views.claims, name="claims"),
    path("mileage/claims.csv", views.claims_csv, name="claims_csv"),
]
