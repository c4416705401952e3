from django.apps import AppConfig

from people.navigation import NavItem


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home: what to do next"
    # Everyone lands here after signing in; one's profile is in the menu under one's name.
    nav_items = (NavItem(label="Home", url_name="home", audience="everyone", order=0),)
