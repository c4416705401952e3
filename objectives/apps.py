from django.apps import AppConfig

from people.navigation import NavItem


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Objectives"
    nav_items = (
        NavItem(label="Objectives", url_name="objectives:mine", audience="everyone", order=40),
        NavItem(label="Team objectives", url_name="objectives:team", audience="manager", order=41),
    )
