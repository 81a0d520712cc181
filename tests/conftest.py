import os

import pytest
from django.db import connection

from tests.factories import EditorFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip on SQLite, except where CI demands PostgreSQL: there they fail."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES") == "true":
        raise pytest.UsageError("REQUIRE_POSTGRES=true but DATABASE_URL is not PostgreSQL")
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_non_editor(db):
    return UserFactory(username="staff", is_staff=True)
