"""Built-in agenda templates, taken from the practice guidance the product follows.

Idempotent: each template is found by its ``builtin_key`` and its prompts are
rewritten, so running this again (or after someone edited a built-in in the
database) leaves exactly these templates.
"""

from django.db import migrations

BUILTIN_TEMPLATES = [
    (
        "regular_monthly",
        "Regular monthly 1:1",
        "Employee-led: let them go first and drive most of the agenda.",
        [
            ("Feedback", "What have you been doing?"),
            ("Feedback", "What is on your mind this month?"),
            ("Feedback", "How happy were you this month?"),
            ("Feedback", "How productive were you? Objectives / OKRs and deliverables"),
            ("Feedback", "What feedback have you got?"),
            ("Feedback", "Feedback from the company?"),
            ("Career development", "Training?"),
            ("Career development", "Responsibility?"),
        ],
    ),
    (
        "wellbeing_chat",
        "Wellbeing chat",
        "A short, informal, confidential chat; the focus is decided by the staff member.",
        [
            ("", "How are you?"),
            ("", "What's going well?"),
            ("", "What challenges do you face, and what would help?"),
        ],
    ),
    (
        "mentoring_check_in",
        "Mentoring check-in",
        "The mentee's meeting: they drive most of the agenda, the mentor is there to learn "
        "and coach.",
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
    ),
    (
        "new_starter",
        "New-starter check-in",
        "More frequent 1:1s in the first months: settling in, support and first objectives.",
        [
            ("Settling in", "How are your first weeks going? What has surprised you?"),
            ("Settling in", "Do you have everything you need: equipment, access, a place "
             "to work?"),
            ("What's unclear", "What is still unclear about your role, the team or how "
             "things work here?"),
            ("People", "Who have you met so far, and who else would it help to meet?"),
            ("Support and training", "What support or training would help you now?"),
            ("First objectives", "What would a good first three months look like? Let's agree "
             "your first objectives."),
        ],
    ),
]  # fmt: skip


def create_builtins(apps, schema_editor):
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    AgendaTemplateItem = apps.get_model("meetings", "AgendaTemplateItem")
    for key, name, description, prompts in BUILTIN_TEMPLATES:
        template, _ = AgendaTemplate.objects.update_or_create(
            builtin_key=key, defaults={"name": name, "description": description, "owner": None}
        )
        AgendaTemplateItem.objects.filter(template=template).delete()
        AgendaTemplateItem.objects.bulk_create(
            AgendaTemplateItem(template=template, section=section, text=text, position=number)
            for number, (section, text) in enumerate(prompts)
        )


def remove_builtins(apps, schema_editor):
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    AgendaTemplate.objects.exclude(builtin_key="").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_agenda_notes_actions")]

    operations = [migrations.RunPython(create_builtins, remove_builtins)]
