"""The bench's floor page (bench/floor.py) is served only under the bench's settings."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, get_resolver
from guardian.shortcuts import assign_perm

from bench.floor import floor
from tests import factories


def patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_it_is_not_in_the_production_urls():
    with pytest.raises(Resolver404):
        get_resolver("vicp.urls").resolve("/bench/floor/")
    assert all(view is not floor for _, view in patterns(get_resolver("vicp.urls")))


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
@pytest.mark.usefixtures("reference_data")
def test_it_lists_25_families_without_signing_in(client):
    manager = factories.ProjectManagerFactory()
    project = factories.ProjectFactory(managers=[manager])
    social_worker = factories.SocialWorkerFactory()
    assign_perm("vicp.refer_to_project", social_worker, project)
    factories.AcceptedFamilyFactory.create_batch(
        26, project=project, social_worker=social_worker, accepted_by=manager
    )
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content.count(b"<tr>") == 25
