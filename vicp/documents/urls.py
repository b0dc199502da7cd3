"""Mounted in the `vicp` namespace by vicp/urls.py, under documents/."""

from django.urls import path

from . import views

urlpatterns = [
    path("add/<slug:holder_key>/<int:object_id>/", views.add, name="document_add"),
    path("<int:pk>/", views.detail, name="document"),
    path("<int:pk>/download/", views.download, name="document_download"),
    path(
        "<int:pk>/versions/<int:number>/download/", views.download, name="document_version_download"
    ),
    path("<int:pk>/replace/", views.replace, name="document_replace"),
    path("<int:pk>/share/", views.share, name="document_share"),
    path("<int:pk>/delete/", views.delete, name="document_delete"),
]
