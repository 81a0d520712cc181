from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from recommendations.api.exception_handlers import tracker_exception_handler


def handled(exc):
    request = Request(APIRequestFactory().get("/api/targets/"))
    return tracker_exception_handler(exc, {"request": request, "view": None})


def test_a_model_validation_error_is_a_400_keyed_by_field():
    response = handled(ValidationError({"body": ["Choose a state or a body, not both."]}))

    assert response.status_code == 400
    assert response.data == {"body": ["Choose a state or a body, not both."]}


def test_a_validation_error_about_the_whole_object_is_a_non_field_error():
    response = handled(ValidationError("A target is addressed to a state or to a body."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["A target is addressed to a state or to a body."]}


def test_a_lost_race_with_a_unique_constraint_is_a_409_not_a_500():
    response = handled(IntegrityError("duplicate key value violates unique constraint"))

    assert response.status_code == 409
    assert "reload and try again" in response.data["detail"]
