"""Every error is a JSON answer saying what went wrong; none is a 500.

After HackSoft's styleguide: Django's ValidationError (raised by model validation in the
services) becomes DRF's 400, keyed by field. A delete blocked by rows that still point at
the object, or a write that lost a race with a unique constraint, is a 409.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


def _blocked_delete(exc: ProtectedError) -> Conflict:
    blocking = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
    return Conflict(f"Cannot delete: {', '.join(blocking)} still refer to it.")


def tracker_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        exc = _blocked_delete(exc)
    elif isinstance(exc, IntegrityError):
        exc = Conflict("This conflicts with data saved meanwhile; reload and try again.")

    response = exception_handler(exc, context)
    if response is not None:
        # A client that asked for CSV or XLSX still reads the reason.
        request = context["request"]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response
