"""What a signed request may do: read with any token, change only with a read-and-write
token (or a signed-in browser, checked for CSRF). What each person may see or change is
decided by the feature apps' selectors and services, exactly as on the pages."""

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.models import ApiToken

if TYPE_CHECKING:  # DRF imports this module while loading its views
    from rest_framework.views import APIView


class TokenScope(BasePermission):
    message = "This token is read only: make a read-and-write token to change anything."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.may_write
        return True
