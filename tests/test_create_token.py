from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def create_token(*args) -> str:
    out = StringIO()
    call_command("create_token", *args, stdout=out)
    return out.getvalue().strip()


def test_the_printed_token_lets_an_editor_write(editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token('editor')}")

    response = client.post("/api/themes/", {"slug": "torture", "name": "Torture"}, format="json")

    assert response.status_code == 201


def test_asking_again_prints_the_same_token_and_reset_replaces_it(editor):
    first = create_token("editor")

    assert create_token("editor") == first
    replaced = create_token("editor", "--reset")
    assert replaced != first
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get("/api/themes/").status_code == 401


def test_an_unknown_user_is_an_error_naming_it(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        create_token("nobody")


def test_a_superuser_issues_a_token_in_the_admin(client, superuser, editor):
    client.force_login(superuser)

    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": editor.pk})

    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {editor.auth_token.key}")
    assert api.post("/api/themes/", {"slug": "torture", "name": "Torture"}).status_code == 201
