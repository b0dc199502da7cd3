"""ViCP's URLs plus the floor page, for `bench.settings` only (never in `vicp.urls`)."""

from django.urls import path

from vicp.urls import urlpatterns as vicp_urlpatterns

from .floor import floor

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    *vicp_urlpatterns,
]
