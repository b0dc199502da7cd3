"""URL patterns of the composed pages, mounted by `vicp/urls.py` into the namespaces
their names belong to (`vicp:home`, `families:detail`...)."""

from django.urls import path

from . import views

vicp_patterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]

families_patterns = [
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/visits/", views.family_visits, name="visits"),
    path("<int:pk>/plan/", views.family_plan, name="plan"),
    path("<int:pk>/outcomes/", views.family_outcomes, name="outcomes"),
    path("<int:pk>/safeguarding/", views.family_safeguarding, name="safeguarding"),
    path("<int:pk>/notes/", views.family_notes, name="notes"),
    path("<int:pk>/documents/", views.family_documents, name="documents"),
    path("<int:pk>/about/", views.family_details, name="details"),
    path("<int:pk>/history/", views.family_history, name="history"),
    path("<int:pk>/close/", views.close_case, name="close_case"),
    path("<int:pk>/subject-access/", views.sar_request, name="sar_request"),
    path("exports/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("exports/<int:pk>/download/<str:kind>/", views.sar_download, name="sar_download"),
]
