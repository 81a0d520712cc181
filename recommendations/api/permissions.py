from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class TrackerModelPermissions(DjangoModelPermissions):
    """Reading: anybody while TRACKER_PUBLIC_READ is on (these are public UN records), else any
    logged-in user. Writing: the model permission, as in the admin: editors add and change,
    deleting stays with superusers.

    The setting is read per request, so a deployment (and a test) can switch it.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return settings.TRACKER_PUBLIC_READ or bool(
                request.user and request.user.is_authenticated
            )
        return super().has_permission(request, view)
