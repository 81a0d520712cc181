import pytest

from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def log_in(client, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_a_user_name_is_locked_out_after_five_failed_logins(client, settings):
    EditorFactory(username="editor")
    assert log_in(client, PASSWORD).status_code == 302  # the right password works
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, "wrong").status_code == 429  # the last allowed failure locks

    locked_out = log_in(client, PASSWORD)

    assert locked_out.status_code == 429
    assert "_auth_user_id" not in client.session
