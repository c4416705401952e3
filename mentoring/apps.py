from django.apps import AppConfig

from people.navigation import NavItem


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring"
    nav_items = (
        NavItem(label="Mentoring", url_name="mentoring:mine", audience="everyone", order=45),
        NavItem(label="Mentoring pairs", url_name="mentoring:hr", audience="hr", order=62),
    )
