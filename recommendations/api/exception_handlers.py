"""Every error under /api/ is a JSON answer saying what went wrong.

After HackSoft's styleguide: Django's ValidationError (raised by model validation in the
services) becomes DRF's 400, keyed by field. A delete blocked by rows that still point at
the object, or a write that lost a race with a unique constraint, is a 409. A body over
DATA_UPLOAD_MAX_MEMORY_SIZE is a 413.

What never reaches a DRF view (an unknown path, an id that is not a number, a bad Host
header) or fails outside what DRF handles (a bug: a 500) goes to Django's error views:
`bad_request`, `page_not_found` and `server_error` below, set in tracker/urls.py, answer
JSON under /api/ and Django's HTML pages elsewhere.
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

API_PREFIX = "/api/"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the data.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


def _blocked_delete(exc: ProtectedError) -> Conflict:
    blocking = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
    return Conflict(
        gettext("Cannot delete: %(blocking)s still refer to it.")
        % {"blocking": ", ".join(blocking)}
    )


def tracker_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        exc = _blocked_delete(exc)
    elif isinstance(exc, IntegrityError):
        exc = Conflict(gettext("This conflicts with data saved meanwhile; reload and try again."))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()

    response = exception_handler(exc, context)
    if response is not None:
        # A client that asked for CSV or XLSX, or a docs page, still reads the reason.
        request = context["request"]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request, exception):
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": str(PayloadTooLarge.default_detail)}, status=413)
    return JsonResponse({"detail": gettext("Bad request.")}, status=400)


def page_not_found(request, exception):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


def server_error(request):
    if not is_api_request(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": gettext("Server error; it has been logged.")}, status=500)
