"""Whether someone has two-step sign-in set up.

Asked on every request of anyone signed in who has not passed a second step in this
session (most volunteers and social workers), so it is one query, where django-otp's
`user_has_device` asks each kind of device (authenticator, recovery codes) in turn.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, Q
from django_otp import device_classes

from .models import User


def has_two_step(user: User) -> bool:
    """Whether `user` has a confirmed device of any kind, as `user_has_device` says."""
    if user.is_anonymous:
        return False
    devices = [
        Q(Exists(model.objects.devices_for_user(user, confirmed=True)))
        for model in device_classes()
    ]
    if not devices:
        return False
    return User.objects.filter(reduce(or_, devices), pk=user.pk).exists()
