"""A small OpenID Connect provider for the single sign-on tests, built on
django-oauth-toolkit: a separate Django project (its own settings, a SQLite database,
an RSA signing key made at start) that the tests run as a real process on localhost.

``python -m people.tests.oidc_provider PORT SETUP_JSON`` migrates its database, loads
the accounts and the client application from the JSON file, and serves on
127.0.0.1:PORT until killed. See ``people/tests/conftest.py`` for how tests use it.
"""
