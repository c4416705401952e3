from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Puts the user's email, its verification and name in the ID token and userinfo."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.account.email_verified,
            "name": user.account.full_name,
        }
