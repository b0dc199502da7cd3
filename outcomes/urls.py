from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("families/<int:pk>/star/", views.record_star_reading, name="record_star_reading"),
]
