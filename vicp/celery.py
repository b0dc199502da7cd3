import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vicp.settings")

app = Celery("vicp")
# All Celery settings are Django settings prefixed CELERY_ (see settings.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
