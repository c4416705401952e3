"""Run the test provider: ``python -m people.tests.oidc_provider PORT SETUP_JSON READY_FD``.

Once it listens, it writes one line to the file descriptor ``READY_FD`` and closes it,
so the tests wait for that line (or the end of the pipe, if it fails) instead of
polling the port."""

import json
import os
import sys

import django
from django.core.management import call_command


def load(setup: dict) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    from people.tests.oidc_provider.models import Account

    for entry in setup["users"]:
        user = User.objects.create_user(
            username=entry["username"], email=entry["email"], password=entry["password"]
        )
        # A model of the provider's own settings; the type checker reads the project's.
        Account.objects.create(  # type: ignore[attr-defined]
            user=user, email_verified=entry["email_verified"], full_name=entry["name"]
        )
    client = setup["client"]
    Application.objects.create(
        name=client["name"],
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )


def main(port: str, setup_path: str, ready_fd: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "people.tests.oidc_provider.settings"
    django.setup()
    # Its one app has no migrations: syncdb makes its table.
    call_command("migrate", run_syncdb=True, verbosity=0)
    with open(setup_path, encoding="utf-8") as file:
        load(json.load(file))
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    server = ThreadedWSGIServer(("127.0.0.1", int(port)), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    with os.fdopen(int(ready_fd), "w") as ready:
        ready.write("listening\n")
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:4])
