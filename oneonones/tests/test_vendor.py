"""static/vendor/README.md lists every vendored file with its version and checksum."""

import hashlib
import re
from pathlib import Path

from django.conf import settings

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"
ROW = re.compile(
    r"^\| `(?P<file>[^`]+)` \| [^|]+ \| (?P<version>[0-9.]+) \| `(?P<sha>[0-9a-f]{64})` \|$"
)


def listed() -> dict[str, str]:
    rows = (ROW.match(line) for line in (VENDOR / "README.md").read_text().splitlines())
    return {row["file"]: row["sha"] for row in rows if row}


def test_every_vendored_file_is_listed_with_its_checksum():
    files = {
        str(path.relative_to(VENDOR)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name != "README.md"
    }
    assert files == listed()
