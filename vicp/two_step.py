"""Whether someone has two-step sign-in set up.

Asked on every request of anyone signed in who has not passed a second step in this
session (most volunteers and social workers), so it is one query, where django-otp's
`user_has_device` asks each kind of device (authenticator, recovery codes) in turn. The
query's text depends only on the installed kinds of device, so it is written once per
process: built through the ORM on every request, it cost three times its running time.
"""

from functools import cache

from django.db import connection
from django_otp import device_classes

from .models import User


@cache
def _any_confirmed_device_sql() -> str | None:
    """`SELECT EXISTS (…) OR EXISTS (…)`, one EXISTS per kind of device, each taking the
    user's pk; None where no kind of device is installed."""
    quote = connection.ops.quote_name
    checks = []
    for model in device_classes():
        table = quote(model._meta.db_table)
        user = quote(model._meta.get_field("user").column)
        confirmed = quote(model._meta.get_field("confirmed").column)
        # Quoted names of installed models only; the user's pk is a parameter.
        checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE {user} = %s AND {confirmed})")  # noqa: S608
    return f"SELECT {' OR '.join(checks)}" if checks else None


def has_two_step(user: User) -> bool:
    """Whether `user` has a confirmed device of any kind, as `user_has_device` says."""
    if user.is_anonymous:
        return False
    sql = _any_confirmed_device_sql()
    if sql is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        return bool(cursor.fetchone()[0])
