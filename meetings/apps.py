from django.apps import AppConfig

from people.navigation import NavItem


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "1:1 meetings"
    nav_items = (
        NavItem(label="My 1:1s", url_name="meetings:mine", audience="everyone", order=10),
        NavItem(label="My team", url_name="meetings:team", audience="manager", order=20),
        NavItem(label="My actions", url_name="meetings:my_actions", audience="everyone", order=30),
    )
