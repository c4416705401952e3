from django.apps import AppConfig

from people.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "HR cadence reports"
    nav_items = (
        NavItem(label="1:1 reports", url_name="reports:dashboard", audience="hr", order=60),
    )
