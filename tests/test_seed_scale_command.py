"""`manage.py seed_scale` in a copy without `bench/` (the wheel and the image leave it
out): the command is there, and says what it needs."""

import importlib
import sys

import pytest
from django.core.management import CommandError, call_command

from bench.seed import seed_scale
from vicp.composition.management.commands import seed_scale as command_module


@pytest.fixture
def without_bench(monkeypatch):
    # None in sys.modules makes importing the package raise ImportError.
    monkeypatch.setitem(sys.modules, "bench", None)
    monkeypatch.setitem(sys.modules, "bench.seed", None)
    importlib.reload(command_module)
    yield
    monkeypatch.undo()
    importlib.reload(command_module)


def test_it_says_it_needs_a_checkout_with_bench(without_bench):
    assert command_module.seed_scale is None
    with pytest.raises(CommandError, match=r"needs a checkout of ViCP with bench/"):
        call_command("seed_scale", projects=1, families=1, volunteers=1, visits=1)


def test_with_bench_it_runs_the_seeder():
    assert command_module.seed_scale is seed_scale


def test_a_broken_import_inside_bench_is_not_taken_for_a_missing_bench(monkeypatch):
    monkeypatch.setitem(sys.modules, "bench.seed.planner", None)
    monkeypatch.delitem(sys.modules, "bench.seed")
    try:
        with pytest.raises(ImportError, match=r"bench\.seed\.planner"):
            importlib.reload(command_module)
    finally:
        monkeypatch.undo()
        importlib.reload(command_module)
