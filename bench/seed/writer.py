"""What the writers share: batched inserts that are counted, the row each plan object
became, and the time of day things happened in the programme's time zone."""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import reset_queries

from vicp.models import User


class Writer:
    def __init__(self, *, reference, batch_size=5000, log=None):
        self.reference = reference
        self.batch_size = batch_size
        self.log = log or (lambda message: None)
        self.counts = Counter()  # rows written, by model label
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.rows = {}  # plan object → the model instance written for it

    def write(self, model, objects, plans=None):
        """`bulk_create` the `objects`; with `plans`, remember which object each became."""
        objects = list(objects)
        model.objects.bulk_create(objects, batch_size=self.batch_size)
        self.counts[model._meta.label] += len(objects)
        reset_queries()  # with DEBUG on, Django would keep every (huge) INSERT in memory
        if plans is not None:
            self.rows.update(zip(plans, objects, strict=True))
        return objects

    def row(self, plan):
        return self.rows[plan]

    def at(self, day, hour=10, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)

    def permission(self, label):
        app_label, codename = label.split(".")
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    def user(self, person, date_joined):
        """An unsaved `User` for a `PersonPlan`, with no usable password."""
        return User(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            role=person.role,
            password=make_password(None),
            date_joined=self.at(date_joined),
            phone=person.phone,
            organisation=person.organisation,
            team=person.team,
            is_staff=person.role == User.Role.ADMIN,
            is_superuser=person.role == User.Role.ADMIN,
        )
