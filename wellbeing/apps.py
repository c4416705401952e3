from django.apps import AppConfig

from people.navigation import NavItem


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Wellbeing"
    nav_items = (
        NavItem(label="Wellbeing", url_name="wellbeing:index", audience="everyone", order=50),
        NavItem(label="Team wellbeing", url_name="wellbeing:trends", audience="hr", order=61),
    )
