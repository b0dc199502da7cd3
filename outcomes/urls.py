from django.urls import path

from . import evaluation_views, report_views, views

app_name = "outcomes"

urlpatterns = [
    # Recording outcomes (views.py)
    path("families/<int:pk>/star/", views.record_star_reading, name="record_star_reading"),
    # -- risk reviews and measures (views.py)
    # -- evaluations (evaluation_views.py)
    # -- reports (report_views.py)
]
