"""Settings for `make bench`: ViCP's own settings, plus the floor page's URL.

Only the URL configuration differs, so every page is served exactly as in
production (same middleware, templates, database and static files).
"""

from vicp.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
