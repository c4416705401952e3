"""What the API reads and writes, field by field. Serializers only shape data: which
rows a person may see is decided by the selectors, what may change by the services."""

from rest_framework import serializers

from meetings.models import ActionItem, AgendaItem, CancelReason, Meeting
from objectives.models import KeyResult, Objective
from people.models import User
from wellbeing.models import Balance, CheckIn, Happiness, Workload


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words for the person.")
    field = serializers.CharField(required=False, help_text="The field it is about, if one.")


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")

    class Meta:
        model = User
        fields = ["id", "name"]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")
    scope = serializers.SerializerMethodField(
        help_text="What this request may do: `read` (a read-only token) or `read_write`."
    )

    class Meta:
        model = User
        fields = ["id", "name", "email", "time_zone", "is_hr", "scope"]

    def get_scope(self, user: User) -> str:
        token = self.context["request"].auth
        return getattr(token, "scope", "read_write")


class MeetingSerializer(serializers.ModelSerializer):
    """When and whether: what everyone who may see a meeting sees (DESIGN.md)."""

    organiser = PersonSerializer(read_only=True)
    participant = PersonSerializer(read_only=True)
    series = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "series",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "rescheduled_from",
            "organiser",
            "participant",
        ]


class AgendaItemSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    carried_over = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "text", "author", "discussed", "carried_over"]

    def get_carried_over(self, item: AgendaItem) -> bool:
        """Whether it was carried over from an earlier meeting."""
        return item.carried_over_from_id is not None


class AgendaItemInSerializer(serializers.Serializer):
    # Blank is the service's to refuse, in its own words.
    text = serializers.CharField(max_length=500, allow_blank=True)


class CancelInSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MoveInSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(
        help_text="The new start, ISO 8601; without an offset it is read as UTC."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChangeOutSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("done", "done"), ("asked", "asked")],
        help_text="`done` when the organiser changed it; `asked` when the other person "
        "asked the organiser, who will answer on the meeting's page.",
    )
    detail = serializers.CharField()
    meeting = MeetingSerializer()


class ActionSerializer(serializers.ModelSerializer):
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = ["id", "description", "due_date", "done", "done_at", "meeting"]


class ActionDoneInSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class KeyResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyResult
        fields = ["id", "title", "start", "target", "current", "unit"]


class ObjectiveSerializer(serializers.ModelSerializer):
    """An objective's facts: what everyone who may see it reads, HR included."""

    owner = PersonSerializer(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "level",
            "owner",
            "parent",
            "state",
            "progress",
            "score",
            "due_date",
            "created_at",
            "last_update_at",
        ]


class ObjectiveDetailSerializer(ObjectiveSerializer):
    """With its description and key results for those who read its details (null for
    HR and anyone else who reads the facts only)."""

    description = serializers.SerializerMethodField()
    key_results = serializers.SerializerMethodField()

    class Meta(ObjectiveSerializer.Meta):
        fields = [*ObjectiveSerializer.Meta.fields, "description", "key_results"]

    def get_description(self, objective: Objective) -> str | None:
        return objective.description if self.context["reads_details"] else None

    def get_key_results(self, objective: Objective) -> list[dict] | None:
        if not self.context["reads_details"]:
            return None
        return KeyResultSerializer(self.context["key_results"], many=True).data


class ObjectiveProposeInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ProgressInSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = [
            "id",
            "created_at",
            "happiness",
            "workload",
            "work_life_balance",
            "note",
            "shared_with_manager",
        ]


class CheckInInSerializer(serializers.Serializer):
    happiness = serializers.ChoiceField(choices=Happiness.choices)
    workload = serializers.ChoiceField(choices=Workload.choices)
    work_life_balance = serializers.ChoiceField(choices=Balance.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    share = serializers.BooleanField(
        default=False, help_text="Share it with your manager (you can unshare it on the page)."
    )


class MeetingsWhenInSerializer(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=["upcoming", "past"],
        default="upcoming",
        help_text="Upcoming (default) or past 1:1s.",
    )


class ReportPeriodInSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (UTC); default 90 days ago.")
    end = serializers.DateField(required=False, help_text="Last day (UTC); default today.")
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class PeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()


class ManagerFiguresSerializer(serializers.Serializer):
    """One manager's cadence figures for the period: counts only, never content."""

    manager_id = serializers.IntegerField()
    name = serializers.CharField()
    team = serializers.CharField()
    reports = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    held = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    cancelled_by_organiser = serializers.IntegerField()
    cancelled_by_participant = serializers.IntegerField()
    nothing_to_discuss = serializers.IntegerField()
    rescheduled = serializers.IntegerField()
    median_gap_days = serializers.FloatField(allow_null=True)
    met_recently = serializers.IntegerField(help_text="Reports met in the last 45 days.")
    not_booked = serializers.IntegerField(help_text="Reports with nothing booked.")
    average_usefulness = serializers.FloatField(allow_null=True)
    agenda_by_report_percent = serializers.IntegerField(allow_null=True)


class CadenceSerializer(serializers.Serializer):
    period = PeriodSerializer()
    managers = ManagerFiguresSerializer(many=True)


class ManagerInSerializer(serializers.Serializer):
    manager = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="The new manager's id, or null for none."
    )


class PersonManagerSerializer(serializers.ModelSerializer):
    """A person and their manager, after an administrator changed it."""

    manager = PersonSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "full_name", "manager"]
