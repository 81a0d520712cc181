"""The OpenAPI schema: every operation lists the errors it can answer with."""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from recommendations.api.renderers import EXPORT_RENDERERS

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Each rejected field or query parameter, with the reasons; "
        "`non_field_errors` for reasons about the whole object."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object", "description": "Errors of the items of a list field, by index."},
        ]
    },
    "example": {"state": ["No state with the code XXX."]},
}


class TrackerAutoSchema(AutoSchema):
    def get_auth(self):
        """Reading needs no credentials while TRACKER_PUBLIC_READ is on: say so (an empty
        requirement), as drf-spectacular does for AllowAny."""
        auth = super().get_auth()
        if self.method in SAFE_METHODS and settings.TRACKER_PUBLIC_READ and {} not in auth:
            auth.append({})
        return auth

    def _error_responses(self) -> dict[str, tuple[str, dict]]:
        errors = {
            "401": ("Not logged in, or a bad token.", DETAIL),
            "403": ("Logged in without the permission this needs.", DETAIL),
            "429": ("Too many anonymous requests; retry later.", DETAIL),
        }
        takes_input = self.method in ("POST", "PUT", "PATCH") or self._is_list_view()
        if takes_input or self.get_filter_backends():
            errors["400"] = ("A field or query parameter was rejected.", FIELD_ERRORS)
        if "{" in self.path or self._is_list_view():
            errors["404"] = ("No such object, page or cursor.", DETAIL)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["409"] = ("Other data still refers to it, or changed meanwhile.", DETAIL)
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = ("The body is over the server's limit.", DETAIL)
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        content = responses.get("200", {}).get("content", {})
        for renderer in EXPORT_RENDERERS:
            if renderer.media_type in content:
                content[renderer.media_type] = {"schema": {"type": "string", "format": "binary"}}
        for code, (description, schema) in self._error_responses().items():
            responses.setdefault(
                code,
                {"description": description, "content": {"application/json": {"schema": schema}}},
            )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        """Staff-only fields are left out for everybody else: never required."""
        schema = super()._map_basic_serializer(serializer, direction)
        staff_only = set(getattr(serializer, "staff_only_fields", ()))
        if staff_only and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in staff_only]
            if not schema["required"]:
                del schema["required"]
        return schema
