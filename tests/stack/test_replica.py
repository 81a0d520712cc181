"""Reads past one machine, proven on a real streaming replica (tracker/db_router.py).

A PostgreSQL primary of the test's own on a loopback port, a replica copied from it with
`pg_basebackup -R` on another, applying every commit 10 s late (`recovery_min_apply_delay`),
and gunicorn with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on the replica. The
delay is what makes the proof: a row an editor just wrote is on the primary only, so an
anonymous reader who does not see it yet reads from the replica, and an editor who does
reads from the primary.
"""

import os
from pathlib import Path

import psycopg
import pytest

from tests.stack.harness import Api, PostgresWithReplica, Stack, wait_until

pytestmark = pytest.mark.stack

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output")) / "stack" / "replica"


@pytest.fixture(scope="module")
def servers():
    postgres = PostgresWithReplica(apply_delay="10s")
    stack = Stack(OUTPUT_DIR)
    stack.env.pop("REDIS_URL")  # no Celery here; the cache is each process's own
    stack.env.update(
        {
            "DATABASE_URL": postgres.url(postgres.primary_port),
            "TRACKER_ANON_THROTTLE": "100000/min",
            "TRACKER_REPLICA_RETRY_SECONDS": "2",
        }
    )
    try:
        postgres.start_primary()
        stack.manage("migrate", "--noinput")
        stack.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User; "
            "u = User.objects.create_user('editor', is_staff=True); "
            "u.groups.add(Group.objects.get(name='Editors'))",
        )
        stack.token = stack.manage("create_token", "editor").stdout.strip().split()[-1]
        postgres.start_replica()
        stack.env["DATABASE_REPLICA_URLS"] = postgres.url(postgres.replica_port)
        stack.start_web()
        yield postgres, stack
    finally:
        stack.stop_all()
        postgres.stop_all(logs_to=OUTPUT_DIR)


def new_theme(editor: Api, slug: str) -> str:
    status, theme = editor.post("/api/themes/", {"slug": slug, "name": slug})
    assert status == 201, theme
    return f"/api/themes/{slug}/"


def test_replica_serves_anonymous_reads_and_an_editor_reads_their_write_at_once(servers):
    postgres, stack = servers
    editor, visitor = Api(stack.base_url, stack.token), Api(stack.base_url)

    path = new_theme(editor, "replica-lag")

    assert editor.get(path)[0] == 200  # from the primary, at once
    assert visitor.get(path)[0] == 404  # from the replica, 10 s behind
    wait_until(lambda: visitor.get(path)[0] == 200, timeout=30, what="the replica to replay")
    with psycopg.connect(postgres.url(postgres.replica_port), autocommit=True) as replica:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        served = replica.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'tracker' "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert served >= 1  # gunicorn's persistent connections to the replica


def test_replica_stopped_anonymous_reads_fall_back_to_the_primary(servers):
    postgres, stack = servers
    editor, visitor = Api(stack.base_url, stack.token), Api(stack.base_url)
    assert visitor.get("/api/themes/")[0] == 200  # each worker's connection to the replica

    postgres.stop_replica()
    path = new_theme(editor, "replica-down")

    codes = [visitor.get(path)[0] for _ in range(20)]
    assert codes == [200] * 20  # at once: only the primary has it
    assert visitor.get("/api/themes/?page_size=5")[0] == 200
    status, ready = visitor.get("/readyz")
    assert status == 200  # still ready: reads go to the primary
    assert ready["replicas"] == {"replica_0": {"status": "down"}}
