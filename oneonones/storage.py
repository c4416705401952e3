from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files in production (after collectstatic).

    Development and tests never run collectstatic; there a file missing from
    the manifest is served under its plain name instead of failing the page.
    """

    manifest_strict = False

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            return FileSystemStorage.url(self, name)
