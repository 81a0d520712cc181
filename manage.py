#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # A checkout with nothing configured is a developer's: commands run on the embedded
    # defaults (DEBUG on, SQLite) instead of stopping for the missing SECRET_KEY. Wherever a
    # SECRET_KEY is given (production, CI) DEBUG stays off unless said otherwise, and the
    # servers (wsgi, asgi, celery) never take this default.
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
