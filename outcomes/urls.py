from django.urls import path

from . import evaluation_views, report_views, views

app_name = "outcomes"

urlpatterns = [
    # Recording outcomes (views.py)
    path("families/<int:pk>/star/", views.record_star_reading, name="record_star_reading"),
    # -- risk reviews and measures (views.py)
    path("families/<int:pk>/risk-review/", views.record_risk_review, name="record_risk_review"),
    path("families/<int:pk>/measures/", views.record_measure, name="record_measure"),
    # -- evaluations (evaluation_views.py)
    path(
        "families/<int:pk>/evaluation/<str:respondent>/",
        evaluation_views.evaluate,
        name="evaluate",
    ),
    path(
        "families/<int:pk>/evaluation-link/",
        evaluation_views.family_evaluation_link,
        name="family_evaluation_link",
    ),
    path(
        "families/<int:pk>/evaluation-link/email/",
        evaluation_views.email_family_evaluation_link,
        name="email_family_evaluation_link",
    ),
    # Public: the family's link (a signed token, not a record id) and its thank-you page.
    path(
        "your-views/thank-you/",
        evaluation_views.family_evaluation_thanks,
        name="family_evaluation_thanks",
    ),
    path("your-views/<str:token>/", evaluation_views.family_evaluation, name="family_evaluation"),
    # -- reports (report_views.py)
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/export.<export:fmt>", report_views.report_export, name="report_export"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path(
        "families/<int:pk>/closure-report/",
        report_views.request_case_closure_report,
        name="request_case_closure_report",
    ),
    path(
        "volunteers/<int:pk>/record/",
        report_views.request_volunteer_record,
        name="request_volunteer_record",
    ),
]
