from io import StringIO

from django.core.management import call_command

from objectives.models import Level, Objective, ObjectiveChange, ObjectiveComment, State
from people.models import User


def test_the_demo_has_goals_and_objectives_in_every_state(db):
    call_command("seed_demo", stdout=StringIO())
    objectives = Objective.objects.all()
    assert set(objectives.values_list("state", flat=True)) == set(State.values)
    assert objectives.filter(level=Level.COMPANY).count() == 1
    teams = set(objectives.filter(level=Level.TEAM).values_list("team__name", flat=True))
    assert teams == {"Engineering", "Customer Success"}
    cascading = objectives.filter(level=Level.INDIVIDUAL, parent__level=Level.TEAM)
    assert cascading.count() >= 3
    assert sum(o.is_overdue for o in objectives.filter(level=Level.INDIVIDUAL)) == 1
    assert sum(o.is_stale for o in objectives.filter(level=Level.INDIVIDUAL)) == 1
    assert ObjectiveComment.objects.values("author").distinct().count() >= 3
    assert objectives.filter(score__isnull=False).count() == 2
    rejected = objectives.get(state=State.REJECTED)
    assert rejected.rejection_reason
    # The history is what the app writes, spread over months.
    for objective in objectives:
        assert objective.changes.filter(field="state", from_value="").count() == 1
        assert objective.last_update_at == objective.changes.latest("at").at
    emma = User.objects.get(email="employee@example.com")
    wizard = objectives.get(owner=emma, title="Build the sign-up wizard")
    assert list(wizard.changes.filter(field="progress").values_list("to_value", flat=True)) == [
        "10",
        "25",
        "40",
    ]
    assert objectives.filter(owner=emma, state=State.PROPOSED).exists()


def test_the_demo_objectives_are_seeded_once(db):
    call_command("seed_demo", stdout=StringIO())
    counts = (
        Objective.objects.count(),
        ObjectiveChange.objects.count(),
        ObjectiveComment.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Objective.objects.count(),
        ObjectiveChange.objects.count(),
        ObjectiveComment.objects.count(),
    ) == counts


def test_the_bench_gets_one_objective_each_idempotently(db):
    call_command("seed_demo", people=120, stdout=StringIO())
    bench = Objective.objects.filter(owner__email__endswith="@bench.example.com")
    assert bench.count() == 120
    call_command("seed_demo", people=120, stdout=StringIO())
    assert bench.count() == 120
