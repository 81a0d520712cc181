"""The OpenAPI schema: every operation lists the errors it can answer with."""

from django.conf import settings
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS
from rest_framework.utils import formatting

from recommendations import visibility
from recommendations.api.renderers import EXPORT_RENDERERS

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": _(
        "Each rejected field or query parameter, with the reasons; "
        "`non_field_errors` for reasons about the whole object."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object", "description": _("Errors of the items of a list field, by index.")},
        ]
    },
    "example": {"state": ["No state with the code XXX."]},
}


def view_description(view, html: bool = False) -> str:
    """The endpoint's description in the request's language, for the browsable API and
    OPTIONS (REST_FRAMEWORK's VIEW_DESCRIPTION_FUNCTION). Its own attribute: a viewset's
    `description` is reset by `as_view()`, and an extra action's is its docstring."""
    description = getattr(view, "description", None) or getattr(view, "endpoint_description", "")
    text = formatting.dedent(smart_str(description))
    return formatting.markup_description(text) if html else text


class TrackerAutoSchema(AutoSchema):
    def get_auth(self):
        """Reading needs no credentials while TRACKER_PUBLIC_READ is on: say so (an empty
        requirement), as drf-spectacular does for AllowAny."""
        auth = super().get_auth()
        if self.method in SAFE_METHODS and settings.TRACKER_PUBLIC_READ and {} not in auth:
            auth.append({})
        return auth

    def get_description(self) -> str:
        """The endpoint's description in the request's language; never a docstring, which
        explains the code to its readers."""
        return str(getattr(self.view, "endpoint_description", ""))

    def _error_responses(self) -> dict[str, tuple[str, dict]]:
        errors = {
            "401": (_("Not logged in, or a bad token."), DETAIL),
            "403": (_("Logged in without the permission this needs."), DETAIL),
            "429": (_("Too many anonymous requests; retry later."), DETAIL),
        }
        takes_input = self.method in ("POST", "PUT", "PATCH") or self._is_list_view()
        if takes_input or self.get_filter_backends():
            errors["400"] = (_("A field or query parameter was rejected."), FIELD_ERRORS)
        if "{" in self.path or self._is_list_view():
            errors["404"] = (
                _("No such object, page or cursor, or a page number past the numbered pages."),
                DETAIL,
            )
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["409"] = (_("Other data still refers to it, or changed meanwhile."), DETAIL)
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = (_("The body is over the server's limit."), DETAIL)
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
        if direction == "response" and "201" in responses:
            responses["201"]["links"] = self._created_row_links()
        return responses

    def _created_row_links(self) -> dict:
        """OpenAPI links from a created row to reading, changing and deleting it by the key
        it was answered with: the sequences a client (and schemathesis) follows."""
        base = self.get_operation_id().removesuffix("_create")
        key = self.view.lookup_field
        parameter = "id" if key == "pk" else key
        detail_actions = {
            "Read": "retrieve",
            "Replace": "update",
            "Change": "partial_update",
            "Delete": "destroy",
        }
        for extra in self.view.get_extra_actions():
            if extra.detail and "get" in extra.mapping:
                path = extra.url_path.replace("-", "_")
                detail_actions[f"Read{path.title().replace('_', '')}"] = f"{path}_retrieve"
        return {
            name: {
                "operationId": f"{base}_{action}",
                "parameters": {parameter: f"$response.body#/{parameter}"},
            }
            for name, action in detail_actions.items()
        }

    def _map_basic_serializer(self, serializer, direction):
        """Staff-only fields are left out for everybody else: never required."""
        schema = super()._map_basic_serializer(serializer, direction)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        staff_only = set(visibility.staff_only_fields(model)) if model else set()
        if staff_only and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in staff_only]
            if not schema["required"]:
                del schema["required"]
        return schema
