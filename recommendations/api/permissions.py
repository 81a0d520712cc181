from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions


def may_read(request) -> bool:
    """Anybody while TRACKER_PUBLIC_READ is on (these are public UN records), else any
    logged-in user. The setting is read per request, so a deployment (and a test) can
    switch it."""
    return settings.TRACKER_PUBLIC_READ or bool(request.user and request.user.is_authenticated)


class TrackerReadPermission(BasePermission):
    """What only reads: the OpenAPI schema and its documentation pages (Swagger UI, Redoc)
    are as public as the records they describe. They take no writes (a 405)."""

    def has_permission(self, request, view):
        return may_read(request)


class TrackerModelPermissions(DjangoModelPermissions):
    """Reading: `may_read`. Writing: the model permission, as in the admin: editors add and
    change, deleting stays with superusers."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return may_read(request)
        return super().has_permission(request, view)
