"""Demo office hours (called by `manage.py seed_demo`; idempotent).

The demo manager keeps Thursday afternoons open for their team, the director keeps a
Tuesday morning hour open to anyone, and the demo employee has signed up for one slot
of their manager's (with a topic only the two of them see)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from meetings.models import Format
from officehours import selectors, services
from officehours.models import OfficeHours, SignUp
from oneonones.errors import ServiceError

TUESDAY, THURSDAY = 1, 3
DEMO_HOURS = [
    # host, title, weekdays, start, end, slot minutes, audience, format, location
    ("manager", "Drop-in for the team", [THURSDAY], dt.time(14, 0), dt.time(16, 0), 20,
     OfficeHours.Audience.TEAM, Format.ROOM, "Room 3.14"),
    ("director", "Open door", [TUESDAY], dt.time(10, 0), dt.time(11, 0), 30,
     OfficeHours.Audience.ANYONE, Format.VIDEO, "https://video.example.com/open-door"),
]  # fmt: skip
DEMO_TOPIC = "Ideas for the next planning day"


@transaction.atomic
def seed_demo(*, org, stdout) -> None:
    for host_key, title, days, start, end, minutes, audience, format, location in DEMO_HOURS:
        host = org.people[host_key]
        if OfficeHours.objects.filter(host=host, title=title).exists():
            continue
        services.office_hours_publish(
            host=host,
            title=title,
            weekdays=days,
            start_time=start,
            end_time=end,
            slot_minutes=minutes,
            time_zone=host.time_zone,
            audience=audience,
            format=format,
            location=location,
            first_date=timezone.localdate(),
            last_date=None,
        )
    employee = org.people["employee"]
    if SignUp.objects.filter(meeting__participant=employee).exists():
        return
    hours = OfficeHours.objects.filter(host=org.people["manager"], title=DEMO_HOURS[0][1]).first()
    if hours is None:
        return
    (open_time,) = selectors.free_slots(viewer=employee, hours=[hours])
    for slot in open_time.free[:5]:
        try:
            services.sign_up(
                hours=hours, person=employee, starts_at=slot.starts_at, topic=DEMO_TOPIC
            )
        except ServiceError:
            continue
        stdout.write("Office hours: the demo employee signed up for a slot.\n")
        return
