import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def import_settings(
    shown: str = "d['ENGINE'], d['HOST']", **env: str
) -> subprocess.CompletedProcess:
    """tracker.settings imported under `env`, printing `shown` (`s` the settings, `d` the
    default database)."""
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import tracker.settings as s; d = s.DATABASES['default']; print({shown})",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_missing_secret_key_stops_startup_when_debug_is_off():
    result = import_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_boolean_that_is_neither_true_nor_false_stops_startup():
    result = import_settings(DEBUG="ture", SECRET_KEY="x")

    assert "DEBUG='ture': expected true or false" in result.stderr


def test_nothing_set_gives_the_embedded_postgresql_on_its_socket():
    result = import_settings(DEBUG="true", DATABASE_URL="")

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        str(ROOT / "var" / "postgres"),
    ]


def test_a_database_other_than_postgresql_stops_startup():
    result = import_settings(DEBUG="true", DATABASE_URL="sqlite:///var/tracker.sqlite3")

    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


@pytest.mark.parametrize("secret_from", ["env", "file"])
def test_the_secret_key_comes_from_the_environment_or_a_file(tmp_path, secret_from):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    env = {"SECRET_KEY": "x"} if secret_from == "env" else {"SECRET_KEY_FILE": str(secret_file)}

    result = import_settings(DEBUG="false", **env)

    assert result.returncode == 0, result.stderr


def test_a_throttle_rate_that_is_not_a_rate_stops_startup():
    result = import_settings(DEBUG="true", TRACKER_ANON_THROTTLE="lots")

    assert result.returncode != 0
    assert "TRACKER_ANON_THROTTLE='lots': expected a rate such as 120/min" in result.stderr


def test_public_reading_is_on_unless_switched_off():
    def public_read(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", "import tracker.settings as s; print(s.TRACKER_PUBLIC_READ)"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "true", **env},
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() or result.stderr

    assert public_read() == "True"
    assert public_read(TRACKER_PUBLIC_READ="false") == "False"
    assert "expected true or false" in public_read(TRACKER_PUBLIC_READ="nope")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_manage_py_with_nothing_configured_runs_on_the_development_defaults():
    result = manage("makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_with_a_secret_key_keeps_debug_off():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="x"
    )

    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    "replica_urls", ["mysql://replica/tracker", "postgres://replica:port/tracker", "replica"]
)
def test_a_replica_url_that_is_not_postgresql_stops_startup(replica_urls):
    result = import_settings(
        DEBUG="true",
        DATABASE_URL="postgres://primary/tracker",
        DATABASE_REPLICA_URLS=f"postgres://replica-1/tracker,{replica_urls}",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_REPLICA_URLS: entry 2" in result.stderr


def test_each_replica_url_is_an_alias_with_the_primary_options():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tracker.settings as s; r = s.DATABASES['replica_1']; "
            "print(s.TRACKER_REPLICA_DATABASES, r['HOST'], r['CONN_MAX_AGE'], "
            "r['OPTIONS']['options'], r['TEST'])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": "postgres://primary/tracker",
            "DATABASE_REPLICA_URLS": "postgres://replica-a/tracker, postgres://replica-b/tracker",
            "CONN_MAX_AGE": "30",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split("\n")[0] == (
        "['replica_0', 'replica_1'] replica-b 30 -c jit=off -c parallel_setup_cost=4000 "
        "{'MIRROR': 'default'}"
    )


def test_sessions_come_from_the_cache_only_where_it_is_shared_redis():
    def engine(redis_url: str) -> str:
        return import_settings("s.SESSION_ENGINE", REDIS_URL=redis_url, SECRET_KEY="x").stdout

    assert engine("redis://127.0.0.1:6379/0").strip() == "tracker.sessions"
    # Without Redis each process has a cache of its own, which would keep serving a session
    # that another process ended (tests/test_sessions.py).
    assert engine("").strip() == "django.contrib.sessions.backends.db"
