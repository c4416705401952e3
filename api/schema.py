"""How the OpenAPI schema describes the API: the token scheme, and the refusals every
operation may answer with (so that a client, and the schema-driven tests, know them)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from api.serializers import ErrorSerializer

REFUSALS = {
    "400": "Not understood, or refused by a rule: `detail` says why, `field` where.",
    "401": "No token, or one that is not valid or was revoked.",
    "403": "A read-only token asked for a change, or a browser change without its CSRF token.",
    "404": "Not there, or not yours to see: the same answer for both.",
    "429": "Too many requests: wait the seconds `Retry-After` says.",
}


class ApiAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        """Grouped by what they are about: /api/v1/meetings/… under "meetings"."""
        return [self.path.removeprefix("/api/v1/").split("/")[0]]

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for code, description in REFUSALS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from My profile → API tokens.",
        }
