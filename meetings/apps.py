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

    def ready(self) -> None:
        # people sits below meetings and cannot call it: it signals a change of manager,
        # and the 1:1s are handed over here, in the transaction of the change.
        from meetings.handover import on_manager_changed
        from people.signals import manager_changed

        manager_changed.connect(on_manager_changed, dispatch_uid="meetings_hand_over")
