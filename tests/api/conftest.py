import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test here makes a user; PBKDF2's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def every_test_with_fresh_throttle_counts(fresh_throttle_counts):
    pass


@pytest.fixture
def api_client():
    return APIClient()


def client_with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def reader_client(reader):
    return client_with_token(reader)


@pytest.fixture
def editor_api(editor):
    return client_with_token(editor)


@pytest.fixture
def superuser_api(superuser):
    return client_with_token(superuser)
