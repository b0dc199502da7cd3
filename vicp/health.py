"""Liveness of the services ViCP depends on, for /healthz."""

import logging

import redis
from django.conf import settings
from django.db import connection

from .celery import app

logger = logging.getLogger(__name__)


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unreachable")
        return "down"
    return "ok"


def redis_status():
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception:
        logger.exception("Health check: Redis unreachable")
        return "down"
    return "ok"


def worker_status():
    try:
        replies = app.control.ping(timeout=1.0)
    except Exception:
        logger.exception("Health check: could not ping Celery workers")
        return "down"
    return "ok" if replies else "down"


def check_services():
    checks = {"database": database_status()}
    if settings.REDIS_URL:
        checks["redis"] = redis_status()
        checks["worker"] = worker_status() if checks["redis"] == "ok" else "down"
    return checks
