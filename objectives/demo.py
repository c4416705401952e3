"""Demo objectives for `manage.py seed_demo`: team goals for both demo teams under a
company goal, and individual objectives in every state with history and comments,
some cascading under the team goals, one overdue and one stale.

Everything goes through the services (so the history is what the app would have
written) and is then moved back in time to look like months of use. Idempotent:
an objective already there (same owner and title) is left alone.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from objectives import services
from objectives.models import KeyResult, Level, Objective, ObjectiveChange, ObjectiveComment, State
from people.models import User


def _backdated(days_ago: int, action):
    """Run ``action`` and date what it wrote (history, comments) ``days_ago`` days back."""
    last_change = ObjectiveChange.objects.aggregate(pk=Max("pk"))["pk"] or 0
    last_comment = ObjectiveComment.objects.aggregate(pk=Max("pk"))["pk"] or 0
    result = action()
    when = timezone.now() - dt.timedelta(days=days_ago, hours=days_ago % 5)
    ObjectiveChange.objects.filter(pk__gt=last_change).update(at=when)
    ObjectiveComment.objects.filter(pk__gt=last_comment).update(created_at=when)
    return result


def _settle(objective: Objective) -> None:
    """Make created/decided/last-update times agree with the backdated history."""
    times = objective.changes.aggregate(first=Min("at"), last=Max("at"))
    decision = (
        objective.changes.filter(
            field=ObjectiveChange.Field.STATE, to_value__in=["active", "rejected"]
        )
        .order_by("at", "pk")
        .first()
    )
    Objective.objects.filter(pk=objective.pk).update(
        created_at=times["first"],
        last_update_at=times["last"],
        decided_at=decision.at if decision and objective.decided_by_id else None,
    )


def _due(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


class _Seeder:
    def __init__(self, org, stdout):
        self.people: dict[str, User] = org.people
        self.stdout = stdout
        self.created = 0

    def existing(self, owner_key: str, title: str) -> Objective | None:
        return Objective.objects.filter(owner=self.people[owner_key], title=title).first()

    def story(self, owner_key: str, title: str, steps) -> Objective:
        """Create the objective by the first step, then play the others; each step is
        (days ago, function of the objective or None)."""
        found = self.existing(owner_key, title)
        if found:
            return found
        (days, create), *rest = steps
        objective = _backdated(days, create)
        for days, step in rest:
            _backdated(days, lambda step=step: step(objective))
        objective.refresh_from_db()
        _settle(objective)
        self.created += 1
        return objective

    def p(self, key: str) -> User:
        return self.people[key]


@transaction.atomic
def seed_demo(*, org, stdout) -> None:
    s = _Seeder(org, stdout)
    director, manager, manager2 = s.p("director"), s.p("manager"), s.p("manager2")
    emma, sam, priya, leo = s.p("employee"), s.p("sam"), s.p("priya"), s.p("leo")
    aisha, tom, nina = s.p("aisha"), s.p("tom"), s.p("nina")
    S = services

    company = s.story(
        "director",
        "Customers stay because we help them succeed",
        [
            (
                120,
                lambda: S.objective_create_goal(
                    by=director,
                    level=Level.COMPANY,
                    title="Customers stay because we help them succeed",
                    description="Renewals above 92 % this year, with customers telling us why.",
                    due_date=_due(220),
                ),
            ),
            (25, lambda o: S.objective_update_progress(objective=o, by=director, progress=35)),
        ],
    )
    engineering = s.story(
        "manager",
        "Make onboarding self-service",
        [
            (
                100,
                lambda: S.objective_create_goal(
                    by=manager,
                    level=Level.TEAM,
                    title="Make onboarding self-service",
                    description="New customers get going without a call with us.",
                    due_date=_due(100),
                    parent=company,
                ),
            ),
            (
                99,
                lambda o: S.key_result_add(
                    objective=o,
                    by=manager,
                    title="Sign-ups finished without help",
                    start=Decimal(40),
                    target=Decimal(80),
                    unit="%",
                ),
            ),
            (40, lambda o: _kr(o, manager, Decimal(52))),
            (8, lambda o: _kr(o, manager, Decimal(61), "Wizard steps 1 and 2 live")),
        ],
    )
    success = s.story(
        "manager2",
        "Raise customer satisfaction to 90 %",
        [
            (
                95,
                lambda: S.objective_create_goal(
                    by=manager2,
                    level=Level.TEAM,
                    title="Raise customer satisfaction to 90 %",
                    due_date=_due(90),
                    parent=company,
                ),
            ),
            (
                94,
                lambda o: S.key_result_add(
                    objective=o,
                    by=manager2,
                    title="CSAT",
                    start=Decimal(82),
                    target=Decimal(90),
                    unit="%",
                ),
            ),
            (20, lambda o: _kr(o, manager2, Decimal(85))),
        ],
    )

    # Emma: active under the team goal, a fresh proposal, and a completed one.
    s.story(
        "employee",
        "Build the sign-up wizard",
        [
            (
                80,
                lambda: S.objective_set_for_report(
                    owner=emma,
                    by=manager,
                    title="Build the sign-up wizard",
                    description="Three steps, each saving as you go; works on a phone.",
                    due_date=_due(45),
                    parent=engineering,
                ),
            ),
            (60, lambda o: S.objective_update_progress(objective=o, by=emma, progress=10)),
            (35, lambda o: S.objective_update_progress(objective=o, by=emma, progress=25)),
            (
                34,
                lambda o: S.objective_comment(
                    objective=o, by=emma, body="The first two steps are live behind a flag."
                ),
            ),
            (
                33,
                lambda o: S.objective_comment(
                    objective=o, by=manager, body="Great. Shall we demo it at the team meeting?"
                ),
            ),
            (
                10,
                lambda o: S.objective_update_progress(
                    objective=o, by=emma, progress=40, note="Step 3 designed"
                ),
            ),
        ],
    )
    s.story(
        "employee",
        "Learn PostgreSQL query tuning",
        [
            (
                3,
                lambda: S.objective_propose(
                    owner=emma,
                    by=emma,
                    title="Learn PostgreSQL query tuning",
                    description="Read the EXPLAIN docs and fix two slow queries in our app.",
                    due_date=_due(90),
                ),
            ),
        ],
    )
    s.story(
        "employee",
        "Pair with Sam on the on-call rotation",
        [
            (
                75,
                lambda: S.objective_propose(
                    owner=emma, by=emma, title="Pair with Sam on the on-call rotation"
                ),
            ),
            (74, lambda o: S.objective_confirm(objective=o, by=manager, note="Yes, please")),
            (50, lambda o: S.objective_update_progress(objective=o, by=emma, progress=50)),
            (20, lambda o: S.objective_complete(objective=o, by=emma, note="Two weeks done")),
            (
                19,
                lambda o: S.objective_set_score(
                    objective=o, by=manager, score=4, note="Handled a real incident calmly."
                ),
            ),
            (
                19,
                lambda o: S.objective_comment(
                    objective=o, by=manager, body="Thank you, this made the rota much easier."
                ),
            ),
        ],
    )

    # Sam: overdue.
    s.story(
        "sam",
        "Write the incident runbook",
        [
            (
                70,
                lambda: S.objective_set_for_report(
                    owner=sam, by=manager, title="Write the incident runbook", due_date=_due(-40)
                ),
            ),
            (50, lambda o: S.objective_update_progress(objective=o, by=sam, progress=30)),
            (
                45,
                lambda o: S.objective_change_due_date(
                    objective=o, by=manager, due_date=_due(-10), note="More time for reviews"
                ),
            ),
            (12, lambda o: S.objective_update_progress(objective=o, by=sam, progress=60)),
            (
                11,
                lambda o: S.objective_comment(
                    objective=o, by=sam, body="The database section still needs a review."
                ),
            ),
        ],
    )

    # Priya: stale (no update for 45 days), measured by a key result.
    s.story(
        "priya",
        "Automate the regression suite",
        [
            (
                90,
                lambda: S.objective_set_for_report(
                    owner=priya,
                    by=manager,
                    title="Automate the regression suite",
                    due_date=_due(60),
                    parent=engineering,
                ),
            ),
            (
                89,
                lambda o: S.key_result_add(
                    objective=o,
                    by=priya,
                    title="Regression cases automated",
                    target=Decimal(120),
                    unit="cases",
                ),
            ),
            (45, lambda o: _kr(o, priya, Decimal(30))),
        ],
    )

    # Léo: one rejected, one cancelled, one active with a key result.
    s.story(
        "leo",
        "Rewrite the billing service in Kotlin",
        [
            (
                30,
                lambda: S.objective_propose(
                    owner=leo, by=leo, title="Rewrite the billing service in Kotlin"
                ),
            ),
            (
                25,
                lambda o: S.objective_reject(
                    objective=o,
                    by=manager,
                    reason="Not this year: billing is stable. Let us find a smaller Kotlin "
                    "project at our next 1:1.",
                ),
            ),
        ],
    )
    s.story(
        "leo",
        "Move CI to a new provider",
        [
            (60, lambda: S.objective_propose(owner=leo, by=leo, title="Move CI to a new provider")),
            (58, lambda o: S.objective_confirm(objective=o, by=manager)),
            (
                15,
                lambda o: S.objective_cancel(
                    objective=o, by=manager, note="The platform team is doing this for everyone."
                ),
            ),
        ],
    )
    s.story(
        "leo",
        "Cut CI build time to under 10 minutes",
        [
            (
                14,
                lambda: S.objective_set_for_report(
                    owner=leo,
                    by=manager,
                    title="Cut CI build time to under 10 minutes",
                    due_date=_due(75),
                    parent=engineering,
                ),
            ),
            (
                14,
                lambda o: S.key_result_add(
                    objective=o,
                    by=manager,
                    title="Median build time",
                    start=Decimal(22),
                    target=Decimal(10),
                    unit="minutes",
                ),
            ),
            (4, lambda o: _kr(o, leo, Decimal(17), "Dependency cache")),
        ],
    )

    # Customer Success.
    s.story(
        "aisha",
        "Run business reviews with our top 10 customers",
        [
            (
                85,
                lambda: S.objective_set_for_report(
                    owner=aisha,
                    by=manager2,
                    title="Run business reviews with our top 10 customers",
                    due_date=_due(40),
                    parent=success,
                ),
            ),
            (
                85,
                lambda o: S.key_result_add(
                    objective=o, by=aisha, title="Reviews held", target=Decimal(10), unit="reviews"
                ),
            ),
            (50, lambda o: _kr(o, aisha, Decimal(2))),
            (16, lambda o: _kr(o, aisha, Decimal(4))),
            (
                15,
                lambda o: S.objective_comment(
                    objective=o, by=manager2, body="Two more booked for next month, nice."
                ),
            ),
        ],
    )
    s.story(
        "aisha",
        "Document the renewal playbook",
        [
            (
                110,
                lambda: S.objective_propose(
                    owner=aisha, by=aisha, title="Document the renewal playbook"
                ),
            ),
            (108, lambda o: S.objective_confirm(objective=o, by=manager2)),
            (70, lambda o: S.objective_update_progress(objective=o, by=aisha, progress=70)),
            (40, lambda o: S.objective_complete(objective=o, by=manager2)),
            (
                39,
                lambda o: S.objective_set_score(
                    objective=o, by=manager2, score=5, note="The whole team uses it now."
                ),
            ),
        ],
    )
    s.story(
        "tom",
        "Get the support certification",
        [
            (
                6,
                lambda: S.objective_propose(
                    owner=tom,
                    by=tom,
                    title="Get the support certification",
                    due_date=_due(120),
                    parent=success,
                ),
            ),
        ],
    )
    s.story(
        "nina",
        "Complete the onboarding plan",
        [
            (
                11,
                lambda: S.objective_set_for_report(
                    owner=nina,
                    by=manager2,
                    title="Complete the onboarding plan",
                    description="Shadow three support shifts, then take tickets with a buddy.",
                    due_date=_due(30),
                ),
            ),
            (4, lambda o: S.objective_update_progress(objective=o, by=nina, progress=20)),
        ],
    )
    if s.created:
        stdout.write(f"Objectives: {s.created} demo objectives and goals created.")


def _kr(objective: Objective, by: User, current: Decimal, note: str = "") -> KeyResult:
    key_result = objective.key_results.order_by("pk")[0]
    return services.key_result_update(key_result=key_result, by=by, current=current, note=note)


def seed_bench(*, user_ids, stdout, years: int = 1, batch_size: int = 2000) -> None:
    """One active objective (with its creation in the history) for each bench person
    who has none, so list pages have rows to measure. Idempotent. (``years`` of 1:1
    history change nothing here: objectives are about the present.)"""
    have = set(Objective.objects.filter(owner_id__in=user_ids).values_list("owner_id", flat=True))
    now = timezone.now()
    new = [
        Objective(
            owner_id=user_id,
            title="Benchmark objective",
            state=State.ACTIVE,
            progress=(user_id * 7) % 100,
            due_date=_due((user_id % 200) - 50),
            created_at=now - dt.timedelta(days=user_id % 90),
            last_update_at=now - dt.timedelta(days=user_id % 60),
        )
        for user_id in user_ids
        if user_id not in have
    ]
    with transaction.atomic():
        created = Objective.objects.bulk_create(new, batch_size=batch_size)
        ObjectiveChange.objects.bulk_create(
            [
                ObjectiveChange(
                    objective=objective,
                    field=ObjectiveChange.Field.STATE,
                    to_value=State.ACTIVE,
                    at=objective.created_at,
                )
                for objective in created
            ],
            batch_size=batch_size,
        )
    if created:
        stdout.write(f"Objectives: {len(created)} benchmark objectives created.")
