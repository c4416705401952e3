"""Personal access tokens: how a script or another tool uses the API as a person.

A token is ``oo_<prefix>_<secret>``. Only the prefix is kept in clear, to find the row;
the whole token is kept as its SHA-256 digest, so the database (a backup, a copy on a
laptop) holds nothing anyone can sign in with. The secret is random (256 bits), so a
plain digest is enough: there is no password to guess that a slow hash would protect.
The person sees the token once, when it is made, and can revoke it at any time.
"""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, in the person's words."
    )
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the whole token, in hex.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"], name="api_token_owner_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
