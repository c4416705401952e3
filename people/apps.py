from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organisation"
    # Each app lists the pages it puts in the navigation bar and who may use them. One's
    # profile is in the menu under one's name (templates/includes/nav.html); Home is home's.

    def ready(self):
        from people import checks  # noqa: F401  (registers the sign-in settings checks)
