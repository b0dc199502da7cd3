"""Settings come from the environment, with safe defaults and production checks."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from vicp.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-like-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "vicp.example.org",
}


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "VICP_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def python_settings(expression, **env):
    return manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        **env,
    )


def test_it_uses_uk_english_and_london_time():
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ


def test_programme_rules_have_their_documented_defaults():
    assert settings.VICP_REQUIRED_TRAINING_HOURS == 18
    assert settings.VICP_REQUIRED_REFERENCES == 2
    assert settings.VICP_DBS_VALID_YEARS == 3
    assert settings.VICP_MATCH_WEEKS == 26
    assert settings.VICP_SUPERVISION_INTERVAL_DAYS == 30
    assert settings.VICP_NO_VISIT_ALERT_DAYS == 14


def test_requests_are_atomic_and_sessions_expire_after_30_idle_minutes():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.VICP_SESSION_RENEW_SECONDS == 60  # see tests/test_session_expiry.py
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_passwords_need_twelve_characters_and_no_common_ones():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "CommonPasswordValidator" in names
    minimum = next(
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    )
    assert minimum["OPTIONS"]["min_length"] == 12


def test_celery_never_loses_a_task_when_a_worker_dies():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_defaults_are_debug_off_sqlite_eager_tasks_and_console_email():
    result = python_settings(
        "settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_a_process_that_makes_no_pdf_chart_or_spreadsheet_never_imports_their_libraries():
    """Starting Django, its URLs and Celery's app leaves out the slow imports (pyproject.toml,
    banned-module-level-imports); making a p-value, a chart or a spreadsheet loads them
    where it is made (the PDF tests make PDFs)."""
    heavy = "('matplotlib', 'openpyxl', 'outcomes.reports', 'scipy', 'weasyprint')"
    started = manage(
        "shell",
        "--no-imports",
        "-c",
        "import sys; from django.urls import resolve; import vicp.celery; resolve('/'); "
        f"print(*[m for m in {heavy} if m in sys.modules] or ['none'])",
        **PRODUCTION,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["none"]

    used = manage(
        "shell",
        "--no-imports",
        "-c",
        "import sys; from outcomes import charts, metrics; from vicp import exports; "
        "metrics.wilcoxon_p([1, 2, 3], [2, 4, 5]); charts.funnel_chart([('Applied', 3)]); "
        "exports.xlsx_response([], [], 'empty', 'Empty'); "
        f"print(*[m for m in {heavy} if m in sys.modules])",
        **PRODUCTION,
    )
    assert used.returncode == 0, used.stderr
    assert used.stdout.split() == ["matplotlib", "openpyxl", "scipy"]


def test_services_come_from_the_environment():
    result = python_settings(
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.CELERY_BROKER_URL",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/vicp",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://127.0.0.1:6379/3",
    ]


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_enforced():
    result = python_settings(
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS > 0",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_sessions_live_in_redis_when_it_is_configured():
    secret = {"DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}
    with_redis = python_settings(
        "settings.SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/3", **secret
    )
    without = python_settings("settings.SESSION_ENGINE", **secret)
    assert with_redis.stdout.strip() == "django.contrib.sessions.backends.cache"
    assert without.stdout.strip() == "django.contrib.sessions.backends.db"


def test_files_are_owner_only_on_disk_or_in_a_private_s3_bucket_when_one_is_named():
    local = python_settings('settings.STORAGES["default"]', DJANGO_DEBUG="1")
    assert local.returncode == 0, local.stderr
    assert "FileSystemStorage" in local.stdout
    assert "'file_permissions_mode': 384" in local.stdout  # 0o600: the owner only
    bucket = python_settings(
        'settings.STORAGES["default"]["BACKEND"], '
        'settings.STORAGES["default"]["OPTIONS"]["bucket_name"], '
        'settings.STORAGES["default"]["OPTIONS"]["default_acl"], '
        'settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]',
        DJANGO_DEBUG="1",
        VICP_S3_BUCKET="vicp-files",
        VICP_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert bucket.returncode == 0, bucket.stderr
    assert bucket.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "vicp-files",
        "private",
        "https://s3.example.org",
    ]


def test_documents_have_their_documented_limits_and_no_scanner_by_default():
    assert settings.VICP_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024
    assert settings.VICP_CLAMAV_SOCKET == ""
