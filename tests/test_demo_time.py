import datetime

import pytest
from django.utils import timezone

from vicp.demo_time import RECORDED_AT, days_ago, on_day, today


def test_inside_the_clock_reads_the_day_in_office_hours_and_moves_on():
    day = timezone.localdate() - datetime.timedelta(days=30)
    with on_day(day):
        first = timezone.now()
        second = timezone.now()
        assert timezone.localdate() == day
    assert timezone.localtime(first).time().replace(microsecond=0) >= RECORDED_AT
    assert timezone.localtime(first) < timezone.localtime(first).replace(hour=11)
    assert second > first  # records keep their order


def test_days_are_counted_from_the_day_the_seed_runs_even_inside():
    seed_day = timezone.localdate()
    with on_day(seed_day - datetime.timedelta(days=100)):
        assert today() == seed_day
        assert days_ago(7) == seed_day - datetime.timedelta(days=7)
        with on_day(days_ago(50)):
            assert timezone.localdate() == seed_day - datetime.timedelta(days=50)
            assert days_ago(0) == seed_day
        assert timezone.localdate() == seed_day - datetime.timedelta(days=100)
    assert timezone.localdate() == seed_day


def test_today_is_allowed_and_tomorrow_refused():
    with on_day(timezone.localdate()):
        assert timezone.localdate() == today()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValueError, match="future"), on_day(tomorrow):
        pass  # pragma: no cover


def test_a_field_default_of_the_clock_reads_the_moved_day_too():
    # Models take `default=timezone.now` (the function itself), not a call through the
    # module: the clock is moved beneath it.
    default = timezone.now
    day = timezone.localdate() - datetime.timedelta(days=3)
    with on_day(day):
        assert timezone.localdate(default()) == day
