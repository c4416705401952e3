"""Before `make` builds or uses .venv: is this Python new enough, and was .venv made by it?

Usage: python scripts/check_python.py .venv

Run by whatever Python `make` was given (PYTHON, python3 by default), so this file
must still run on old ones: no f-strings, no annotations, nothing newer than 2.7 needs.
Exit status 1, after one sentence, when the Python is too old. A .venv made by a
Python of another minor version (its packages live under lib/pythonX.Y and do not
load) is removed, and `make` builds it again.
"""

# ruff: noqa: UP010, UP024, UP031 -- written for the old Pythons it turns away

from __future__ import print_function

import os
import shutil
import sys

REQUIRED = (3, 11)


def version_text(version):
    return ".".join(str(part) for part in version)


def venv_version(venv):
    """The (major, minor) of the Python that made ``venv``, from its pyvenv.cfg."""
    try:
        with open(os.path.join(venv, "pyvenv.cfg")) as config:
            lines = config.read().splitlines()
    except (IOError, OSError):
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            parts = value.strip().split(".")
            try:
                return int(parts[0]), int(parts[1])
            except (IndexError, ValueError):
                return None
    return None


def main(argv, version_info=sys.version_info, executable=sys.executable):
    venv = argv[1] if len(argv) > 1 else ".venv"
    running = tuple(version_info[:2])
    if running < REQUIRED:
        print(
            "oneonones needs Python %s or newer, but %s is Python %s: install a newer "
            "Python and run make with it, e.g. `make run PYTHON=python3.11`."
            % (version_text(REQUIRED), executable, version_text(version_info[:3])),
            file=sys.stderr,
        )
        return 1
    made_by = venv_version(venv)
    if made_by is not None and made_by != running:
        print(
            "==> %s was made by Python %s, not by %s (Python %s): building it again."
            % (venv, version_text(made_by), executable, version_text(running))
        )
        shutil.rmtree(venv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
