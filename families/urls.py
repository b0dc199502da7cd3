from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
]
