from django.conf import settings
from django.db import models


class Account(models.Model):
    """Whether the provider has verified a user's email address (its ``email_verified``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    email_verified = models.BooleanField(default=False)
    full_name = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.full_name
