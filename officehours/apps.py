from django.apps import AppConfig

from people.navigation import NavItem


class OfficeHoursConfig(AppConfig):
    name = "officehours"
    verbose_name = "Office hours"
    nav_items = (
        NavItem(label="Office hours", url_name="officehours:index", audience="everyone", order=35),
    )
