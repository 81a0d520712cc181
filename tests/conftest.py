import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.db.migrations import RunPython

from tests.factories import EditorFactory, UserFactory
from tests.smtp import SMTPServer
from tests.webhook_receiver import Receiver
from tracker import catalogues
from tracker.celery import app as celery_app


def pytest_configure(config):
    """The catalogues compiled from the .po files as they are now, as `make test` does: a
    bare `pytest` after editing a translation must not test a stale .mo."""
    catalogues.compile_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """No autovacuum on the test database, so the planner always estimates from the tables'
    size on disk, as for tables never analyzed.

    Tests fill tables and empty them again hundreds of times. Left to autovacuum, a table was
    sometimes analyzed between two tests with pages but no live row; the planner then
    expected one row whatever it held, and the stats' nested subqueries over a hundred
    recommendations ran for minutes. (Analyzing every table once instead made the foreign
    key checks of a large import test scan whole tables, row after row.)"""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            """
            DO $$ DECLARE t record; BEGIN
              FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
                EXECUTE format('ALTER TABLE %I SET (autovacuum_enabled = false)', t.tablename);
              END LOOP;
            END $$
            """
        )


# The data migrations: the states, the Editors group and its permissions, the default reminder
# rules, beat's schedule, the UPR calendar and each state's reviews. Their rows are part of
# every installation.
DATA_MIGRATIONS = [
    "0002_load_states",
    "0003_editors_group",
    "0005_default_reminder_rules",
    "0006_editors_reminder_permissions",
    "0007_reminder_periodic_tasks",
    "0009_upr_info_state_names",
    "0013_editors_import_permissions",
    "0015_data_version_paragraph_index",
    "0019_upr_calendar_and_grade_mappings",
    "0026_upr_reviews_of_every_state",
    "0028_upr_reviews_cycles_2_to_4",
]


@pytest.fixture
def fresh_throttle_counts():
    # The anonymous throttle counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def migration_rows_after_a_flush(request):
    """A transactional test ends by emptying every table, the data migrations' rows too, and on
    PostgreSQL the serialized copy does not always bring them back for the next one (a live
    server's test before it is enough to lose them): rerun the data migrations when so."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    if django_apps.get_model("recommendations", "State").objects.exists():
        return
    for name in DATA_MIGRATIONS:
        migration = importlib.import_module(f"recommendations.migrations.{name}").Migration
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.code(django_apps, None)


@pytest.fixture(autouse=True)
def data_version_of_its_own(request, migration_rows_after_a_flush):
    """Cached reads are keyed on the data version, which changes when a write commits. A test
    rolled back commits nothing: with a version of its own, it cannot read what an earlier
    test cached for other rows. The last counts (lasting_read) outlive a version: they are
    emptied with the rest of the cache."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_database:
        return
    request.getfixturevalue("db")
    django_apps.get_model("recommendations", "DataVersion").objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )
    cache.clear()


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


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port; its `mailbox` holds what arrived."""
    with SMTPServer() as server:
        yield server


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Django sends through `smtp_server` instead of the test outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


@pytest.fixture
def receiver(settings):
    """A webhook receiver on loopback (tests/webhook_receiver.py), which the SSRF guard lets
    through for this test."""
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def celery_eager():
    """Tasks run in the test, when enqueued (retries too, without their wait). A task that
    fails for good does not raise: tests look at what it stored and sent, as with a worker."""
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = False
