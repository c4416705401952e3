from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files in production (after collectstatic).

    Development and tests never run collectstatic; there a file missing from
    the manifest is served under its plain name instead of failing the page.
    """

    manifest_strict = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        # A name's address does not change while the process runs (the manifest is read
        # once, at start), but finding it without a manifest costs a look at the disk,
        # and each page asks for the same eight: remember them.
        if not force and (known := self._urls.get(name)) is not None:
            return known
        try:
            url = super().url(name, force)
        except ValueError:
            url = FileSystemStorage.url(self, name)
        if not force:
            self._urls[name] = url
        return url
