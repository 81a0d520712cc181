import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser if there is none: DJANGO_SUPERUSER_USERNAME and "
        "DJANGO_SUPERUSER_PASSWORD when set, else 'admin' with a generated password. The login "
        "is printed, or written to --password-file (readable by its owner only) for `make run` "
        "to show once everything is up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password-file", type=Path)

    def handle(self, *args, password_file: Path | None, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            if not password_file:
                self.stdout.write("A superuser exists already; its password is unchanged.")
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if password_file:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.write_text(f"{username}\n{password}\n")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Created superuser {username!r} with password {password!r}.")
        )
