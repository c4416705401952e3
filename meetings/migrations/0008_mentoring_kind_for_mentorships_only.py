"""Mentoring check-ins become the meetings of a mentoring relationship (the
``mentoring`` app), and the built-in "Mentoring check-in" template their default.

Until now "Mentoring check-in" was only a label a manager could put on a series with
their own report: every series and meeting so far is a line one. The kind now decides
who may see a meeting (a mentoring pair's check-ins are theirs alone, not their
managers'), so those labelled ones become plain 1:1s, kept visible to the line as
before and counted in HR's line figures as before. Their agenda template stays.

The template follows seed 004's four areas (strategic goals, connect and update,
two-way coaching, aspirations) as in 0003; its description now says whose meeting it
is. Idempotent, as 0003.
"""

from django.db import migrations

MENTORING_TEMPLATE = (
    "mentoring_check_in",
    "Mentoring check-in",
    "The mentee's meeting: they book it and drive most of the agenda; the mentor is there "
    "to listen, learn and coach. Four areas: strategic goals, connect and update, two-way "
    "coaching, aspirations.",
    [
        ("Strategic goals", "Where are we on the strategic goals (OKRs)? What needs "
         "problem-solving or a change of course?"),
        ("Strategic goals", "Your goals and plan for them: how do they support the "
         "priorities? Any ground-up ideas?"),
        ("Connect and update", "Updates on your team's progress worth making visible"),
        ("Connect and update", "FYI from other teams that may help or inspire"),
        ("Connect and update", "Anything personal that affects work that you want to share?"),
        ("Two-way coaching", "A real situation where coaching would help (a conflict, "
         "priorities, a project, resources)"),
        ("Two-way coaching", "Honest feedback both ways: what should each of us do "
         "differently?"),
        ("Two-way coaching", "Your development goals: what have you tried since last time?"),
        ("Aspirations", "Where do you want to be in the long term?"),
        ("Aspirations", "Opportunities here, short or long term, that fit your goals"),
        ("Aspirations", "What to reflect on, read or follow up before next time"),
    ],
)  # fmt: skip


def forward(apps, schema_editor):
    MeetingSeries = apps.get_model("meetings", "MeetingSeries")
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingSeries.objects.filter(kind="mentoring").update(kind="one_to_one")
    Meeting.objects.filter(kind="mentoring").update(kind="one_to_one")
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    AgendaTemplateItem = apps.get_model("meetings", "AgendaTemplateItem")
    key, name, description, prompts = MENTORING_TEMPLATE
    template, _ = AgendaTemplate.objects.update_or_create(
        builtin_key=key, defaults={"name": name, "description": description, "owner": None}
    )
    AgendaTemplateItem.objects.filter(template=template).delete()
    AgendaTemplateItem.objects.bulk_create(
        AgendaTemplateItem(template=template, section=section, text=text, position=number)
        for number, (section, text) in enumerate(prompts)
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0007_series_occurrences")]

    # Backwards leaves the rows as they are: which line series were labelled
    # "mentoring" is not known any more, and a plain 1:1 label hides nothing.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
