"""Who is asking: a personal access token (``Authorization: Bearer oo_…``).

A browser signed in to the app is also let in (DRF's ``SessionAuthentication``, next in
``REST_FRAMEWORK``), with Django's CSRF check on every change, so another site cannot
make a signed-in person's browser change anything. A token carries no cookie, so it
needs no CSRF check.
"""

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.models import ApiToken
from api.selectors import token_for
from api.services import token_used
from people.models import User

KEYWORD = "bearer"
REFUSED = "That token is not valid, or it was revoked. Make a new one on your profile."


class PersonalTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower() != KEYWORD:
            return None  # no token: perhaps a session
        if len(header) != 2 or not header[1].isascii():
            raise AuthenticationFailed(REFUSED)
        token = token_for(presented=header[1])
        if token is None:
            raise AuthenticationFailed(REFUSED)
        token_used(token=token)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
