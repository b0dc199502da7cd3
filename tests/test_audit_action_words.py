"""Every action the code base records reads as plain English in the audit log.

The source is read, not a list: a new `audit.record("...")` without words fails here.
"""

import ast
import re
from pathlib import Path

import pytest

from families.models import Family
from referrals.models import Referral
from vicp import audit_labels

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", "node_modules", "tests", "migrations", "bench", "static"}
RECORDERS = {"record", "record_even_if_rolled_back"}
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# Codes built from a status: each prefix, and the values it can take.
BUILT = {"family.": Family.Status.values, "referral.": Referral.Status.values}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _codes(node, scope, where):
    """The action codes an expression can hold."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        prefix = node.values[0].value if isinstance(node.values[0], ast.Constant) else ""
        assert prefix in BUILT, f"{where}: teach this test the codes {ast.unparse(node)} makes"
        yield from (prefix + value for value in BUILT[prefix])
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _codes(value, scope, where)
    elif isinstance(node, ast.IfExp):
        yield from _codes(node.body, scope, where)
        yield from _codes(node.orelse, scope, where)
    elif isinstance(node, ast.Name):
        assert scope is not None, f"{where}: cannot tell which actions {node.id} holds"
        arguments = {a.arg for a in (*scope.args.args, *scope.args.kwonlyargs)}
        looped = {
            target.id
            for loop in ast.walk(scope)
            if isinstance(loop, ast.For)
            for target in ast.walk(loop.target)
            if isinstance(target, ast.Name)
        }
        if node.id in arguments | looped:
            return  # passed on: the values are collected where they are written
        assigned = [
            statement.value
            for statement in ast.walk(scope)
            if isinstance(statement, ast.Assign)
            and any(getattr(target, "id", None) == node.id for target in statement.targets)
        ]
        assert assigned, f"{where}: cannot tell which actions {node.id} holds"
        for value in assigned:
            yield from _codes(value, scope, where)
    else:
        raise AssertionError(f"{where}: cannot tell which action {ast.unparse(node)} is")


def recorded_actions():
    """{action code: where it is recorded}, from every call that records an event or
    passes an action on (`action="..."`: an export, a status change)."""
    found = {}
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            scope = min(
                (s for s in scopes if _within(call, s)),
                key=lambda s: s.end_lineno - s.lineno,
                default=None,
            )
            keyword = next((k.value for k in call.keywords if k.arg == "action"), None)
            if _name(call.func) in RECORDERS and (call.args or keyword is not None):
                expression = call.args[0] if call.args else keyword
                for code in _codes(expression, scope, where):
                    found.setdefault(code, where)
            elif isinstance(keyword, ast.Constant) and CODE.match(str(keyword.value)):
                found.setdefault(keyword.value, where)
    return found


def _within(node, scope):
    return scope.lineno <= node.lineno <= (scope.end_lineno or scope.lineno)


def test_the_scan_finds_the_actions_recorded_in_each_way():
    actions = recorded_actions()
    # a string, a sign-in receiver, a status built into the code, a code held in a
    # variable, a code passed on as `action=`, and the refused access
    for code in (
        "family.viewed",
        "auth.login_failed",
        "referral.waitlisted",
        "visit.draft_saved",
        "family.reopened",
        "access.refused",
        "audit.exported",
    ):
        assert code in actions
    assert len(actions) > 90


@pytest.mark.parametrize("code", sorted(recorded_actions()))
def test_every_recorded_action_has_words(code):
    action = audit_labels.action(code)
    assert action is not None, (
        f"{code} ({recorded_actions()[code]}) has no words for the audit log: register them "
        "with vicp.audit_labels.register_actions in the app's audit_words.py"
    )
    assert action.words == action.words.strip() and action.words[0].islower()


def test_words_are_registered_only_for_actions_the_code_records():
    stray = {action.code for action in audit_labels.actions()} - set(recorded_actions())
    assert not stray, f"words for actions nothing records: {sorted(stray)}"
