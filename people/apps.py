from django.apps import AppConfig

from people.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organisation"
    # Each app lists the pages it puts in the navigation bar and who may use them.
    # One's profile is in the menu under one's name (templates/includes/nav.html).
    nav_items = (NavItem(label="Home", url_name="home", audience="everyone", order=0),)

    def ready(self):
        from people import checks  # noqa: F401  (registers the sign-in settings checks)
