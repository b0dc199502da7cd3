"""The main menu: each role's links, rendered once per role and never another's."""

import re

import pytest
from django.urls import reverse

from .conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

MENUS = {
    "ada": [
        "Home", "Referrals", "Families", "Visits", "Mileage", "Concerns", "Volunteers", "Training",
        "Reports", "Social workers", "Audit log", "Administration",
    ],
    "alice": [
        "Home", "Referrals", "Families", "Visits", "Mileage", "Concerns", "Volunteers", "Training",
        "Reports", "Social workers", "Audit log",
    ],
    "sam": ["Home", "Refer a family", "Your referrals", "Families"],
    "vera": ["Home", "My record"],
}  # fmt: skip


def menu(html):
    main = html.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'class="nav-link" href="[^"]+">([^<]+)</a>', main)


def test_each_role_sees_its_own_menu_whoever_was_served_before(client, cast):
    # Twice round, in an order that puts every role after every other: a menu kept
    # for one role must never be shown to another.
    for name in [*MENUS, *reversed(MENUS)]:
        html = sign_in(client, cast[name]).get(reverse("vicp:home")).content.decode()
        assert menu(html) == MENUS[name], name
        client.logout()


def test_the_menu_links_go_where_they_say(client, alice):
    html = sign_in(client, alice).get(reverse("vicp:home")).content.decode()
    assert f'href="{reverse("volunteers:board")}">Volunteers</a>' in html
    assert f'href="{reverse("vicp:audit_log")}">Audit log</a>' in html
    assert f'href="{reverse("families:visit_list")}">Visits</a>' in html
