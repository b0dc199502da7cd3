"""Demonstration data recorded as it would have been, on the days it happened.

The demo seeds tell a story over months (an application, interviews, a referral, a
match, weekly visits), and every record, its history and its audit event should carry
the day of its step, not the day the seed ran. `on_day` moves the process's clock back
(time-machine) for the steps inside it, so the services run unchanged and date
everything consistently. For the demo seeds only.
"""

import contextlib
import datetime
from collections.abc import Iterator

import time_machine
from django.utils import timezone

# Steps recorded in office hours, London time.
RECORDED_AT = datetime.time(10, 0)
# The day the seed runs, while `on_day` has moved the clock: days are counted from it.
_seed_day: list[datetime.date] = []


def today() -> datetime.date:
    return _seed_day[0] if _seed_day else timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


@contextlib.contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Inside, the clock reads `day` at RECORDED_AT and moves on as real time does (so
    records keep their order). A day in the future is refused."""
    seed_day = today()
    if day > seed_day:
        raise ValueError(f"Demo records cannot be dated in the future ({day}).")
    moment = timezone.make_aware(datetime.datetime.combine(day, RECORDED_AT))
    _seed_day.append(seed_day)
    try:
        with time_machine.travel(moment, tick=True):
            yield
    finally:
        _seed_day.pop()
