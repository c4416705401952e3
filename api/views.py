"""The JSON API. Every endpoint looks things up through the feature apps' selectors and
changes them through their services, the same calls the pages make, so a person may
read and do here exactly what they may on the pages, no more: what they may not see is
a 404, like what does not exist. Refusals are mapped to JSON in one place (``errors``).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.errors import NOT_FOUND
from meetings import selectors as meeting_selectors
from meetings.record import selectors as record_selectors
from meetings.record import services as record_services
from meetings.scheduling import services as meeting_services
from objectives import selectors as objective_selectors
from objectives import services as objective_services
from oneonones.errors import refused
from people import selectors as people_selectors
from people.models import RecordAccess
from people.services import person_set_manager, record_access
from reports import selectors as report_selectors
from wellbeing import selectors as wellbeing_selectors
from wellbeing import services as wellbeing_services


class Pages(PageNumberPagination):
    page_size = 50


class ApiView(APIView):
    """What every endpoint shares: reachable without a session (a token is checked by
    DRF, not the sign-in page), rate-limited before anything else, times in UTC. Lists
    come in pages of 50 (``?page=``)."""

    pagination_class = Pages

    @classmethod
    def as_view(cls, **initkwargs: Any):
        view = super().as_view(**initkwargs)
        view.login_required = False
        return view

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        timezone.activate(dt.UTC)
        try:
            request.user  # noqa: B018 (authenticates: a bad token leaves the request anonymous)
        finally:
            # Counted even when the token was refused: guesses are limited too.
            self.check_throttles(request)
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request: Request) -> None:
        if getattr(request, "_throttles_checked", False):
            return
        request._throttles_checked = True
        super().check_throttles(request)

    def paginated(self, request: Request, rows: QuerySet[Any], serializer: type) -> Response:
        pager = Pages()
        page = pager.paginate_queryset(rows, request, view=self)
        return pager.get_paginated_response(serializer(page, many=True).data)


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Who am I ----------------------------------------------------------------------------


class Me(ApiView):
    @extend_schema(responses=s.MeSerializer, summary="Who the token (or session) is")
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user, context={"request": request}).data)


# --- Meetings ----------------------------------------------------------------------------


class MyMeetings(ApiView):
    @extend_schema(
        parameters=[s.MeetingsWhenInSerializer],
        responses=s.MeetingSerializer(many=True),
        summary="My 1:1s (as organiser or participant)",
    )
    def get(self, request: Request) -> Response:
        # Anything but the two words is a 400 that says so, not the default list; a
        # plain dict, so that an empty ``when=`` is refused too rather than read as absent.
        asked = {"when": request.query_params.get("when", "upcoming")}
        when = _valid(s.MeetingsWhenInSerializer, asked)["when"]
        now = timezone.now()
        meetings = meeting_selectors.meetings_of(viewer=request.user)
        if when == "past":
            meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        else:
            meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
        return self.paginated(request, meetings, s.MeetingSerializer)


class OneMeeting(ApiView):
    @extend_schema(responses=s.MeetingSerializer, summary="One meeting: when and whether")
    def get(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.get_meeting_for_user_or_404(viewer=request.user, pk=pk)
        return Response(s.MeetingSerializer(meeting).data)


class Agenda(ApiView):
    pagination_class = None  # type: ignore[assignment]  # an agenda is short: all at once

    @extend_schema(
        responses=s.AgendaItemSerializer(many=True),
        summary="A meeting's agenda (the two people only), the report's items first",
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.get_meeting_for_user_or_404(viewer=request.user, pk=pk)
        record = record_selectors.meeting_record_for(meeting=meeting, viewer=request.user)
        if record is None:
            return _not_found()
        return Response(s.AgendaItemSerializer(record.agenda, many=True).data)

    @extend_schema(
        request=s.AgendaItemInSerializer,
        responses={201: s.AgendaItemSerializer},
        summary="Add an item to a meeting's agenda",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.AgendaItemInSerializer, request.data)
        meeting = meeting_selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)
        item = record_services.agenda_item_add(meeting=meeting, by=request.user, text=data["text"])
        return Response(s.AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


def _not_found() -> Response:
    return Response({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)


class NoSuchEndpoint(ApiView):
    """Any other address under the API: a JSON 404 (not the HTML page), for anyone."""

    permission_classes: list[type] = []

    @extend_schema(exclude=True)
    def get(self, request: Request, rest: str) -> Response:
        return _not_found()

    post = put = patch = delete = get


def _changed(request: Request, outcome: meeting_services.ChangeOutcome) -> Response:
    # Read again as the pages would: the change may have moved or cancelled it.
    meeting = meeting_selectors.get_meeting_for_user_or_404(
        viewer=request.user, pk=outcome.meeting.pk
    )
    body = {
        "outcome": "asked" if outcome.asked else "done",
        "detail": outcome.message,
        "meeting": meeting,
    }
    return Response(s.ChangeOutSerializer(body).data)


def _change(
    request: Request,
    pk: int,
    serializer: type[serializers.Serializer],
    change: Callable[..., meeting_services.ChangeOutcome],
) -> Response:
    """Cancel or move: the organiser does it, the participant asks (the service decides)."""
    data = _valid(serializer, request.data)
    meeting = meeting_selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)
    return _changed(request, change(meeting=meeting, by=request.user, **data))


class CancelMeeting(ApiView):
    @extend_schema(
        request=s.CancelInSerializer,
        responses=s.ChangeOutSerializer,
        summary="Cancel a meeting (organiser), or ask the organiser to (participant)",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _change(request, pk, s.CancelInSerializer, meeting_services.meeting_cancel_or_ask)


class MoveMeeting(ApiView):
    @extend_schema(
        request=s.MoveInSerializer,
        responses=s.ChangeOutSerializer,
        summary="Move a meeting (organiser), or ask the organiser to (participant)",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _change(request, pk, s.MoveInSerializer, meeting_services.meeting_move_or_ask)


# --- Actions -----------------------------------------------------------------------------


class MyActions(ApiView):
    @extend_schema(
        responses=s.ActionSerializer(many=True),
        summary="My actions: open first (soonest due first), then done",
    )
    def get(self, request: Request) -> Response:
        return self.paginated(
            request, record_selectors.my_actions(viewer=request.user), s.ActionSerializer
        )


class ActionDone(ApiView):
    @extend_schema(
        request=s.ActionDoneInSerializer,
        responses=s.ActionSerializer,
        summary="Mark an action done (or not done again)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.ActionDoneInSerializer, request.data)
        action = record_selectors.get_action_for_user_or_404(viewer=request.user, pk=pk)
        action = record_services.action_set_done(action=action, by=request.user, done=data["done"])
        return Response(s.ActionSerializer(action).data)


# --- Objectives --------------------------------------------------------------------------


class MyObjectives(ApiView):
    @extend_schema(
        responses=s.ObjectiveSerializer(many=True),
        summary="My own objectives: open ones first",
    )
    def get(self, request: Request) -> Response:
        objectives = objective_selectors.my_objectives(viewer=request.user)
        return self.paginated(request, objectives, s.ObjectiveSerializer)

    @extend_schema(
        request=s.ObjectiveProposeInSerializer,
        responses={201: s.ObjectiveDetailSerializer},
        summary="Propose an objective of my own (my manager agrees it)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ObjectiveProposeInSerializer, request.data)
        objective = objective_services.objective_propose(
            owner=request.user, by=request.user, **data
        )
        return Response(_objective_detail(request, objective.pk), status=status.HTTP_201_CREATED)


def _objective_detail(request: Request, pk: int) -> dict[str, Any]:
    objective = objective_selectors.get_objective_for_user_or_404(viewer=request.user, pk=pk)
    viewer = request.user
    context = {
        "reads_details": objective_selectors.reads_details(viewer=viewer, objective=objective),
        "key_results": objective_selectors.key_results_for(objective=objective, viewer=viewer),
    }
    return s.ObjectiveDetailSerializer(objective, context=context).data


class OneObjective(ApiView):
    @extend_schema(
        responses=s.ObjectiveDetailSerializer,
        summary="One objective, as its page shows it to you",
    )
    def get(self, request: Request, pk: int) -> Response:
        objective = objective_selectors.get_objective_for_user_or_404(viewer=request.user, pk=pk)
        if request.user.is_hr:
            # As on its page: HR opening someone's objective is recorded for them.
            from people.services import record_access_to

            record_access_to(
                viewer=request.user, person=objective.owner, kind=RecordAccess.Kind.OBJECTIVE
            )
        return Response(_objective_detail(request, objective.pk))


class ObjectiveProgress(ApiView):
    @extend_schema(
        request=s.ProgressInSerializer,
        responses=s.ObjectiveDetailSerializer,
        summary="Update an active objective's progress (its owner or their manager)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.ProgressInSerializer, request.data)
        objective = objective_selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
        objective_services.objective_update_progress(objective=objective, by=request.user, **data)
        return Response(_objective_detail(request, objective.pk))


# --- Check-ins ---------------------------------------------------------------------------


class MyCheckIns(ApiView):
    @extend_schema(
        responses=s.CheckInSerializer(many=True), summary="My own check-ins, newest first"
    )
    def get(self, request: Request) -> Response:
        checkins = wellbeing_selectors.own_checkins(viewer=request.user).order_by(
            "-created_at", "-pk"
        )
        return self.paginated(request, checkins, s.CheckInSerializer)

    @extend_schema(
        request=s.CheckInInSerializer,
        responses={201: s.CheckInSerializer},
        summary="Check in: how I am (private unless shared with my manager)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.CheckInInSerializer, request.data)
        checkin = wellbeing_services.checkin_create(employee=request.user, **data)
        return Response(s.CheckInSerializer(checkin).data, status=status.HTTP_201_CREATED)


# --- Administrators: reporting lines ------------------------------------------------------


class PersonManager(ApiView):
    @extend_schema(
        request=s.ManagerInSerializer,
        responses=s.PersonManagerSerializer,
        summary="Administrators: give someone a new manager (their 1:1s are handed over)",
    )
    def post(self, request: Request, pk: int) -> Response:
        person = people_selectors.get_person_to_administer_or_404(viewer=request.user, pk=pk)
        data = _valid(s.ManagerInSerializer, request.data)
        person = person_set_manager(person=person, manager_id=data["manager"], by=request.user)
        return Response(s.PersonManagerSerializer(person).data)


# --- HR: cadence -------------------------------------------------------------------------


class Cadence(ApiView):
    @extend_schema(
        parameters=[s.ReportPeriodInSerializer],
        responses=s.CadenceSerializer,
        summary="HR: each manager's 1:1 cadence figures for a period (never content)",
    )
    def get(self, request: Request) -> Response:
        report_selectors.hr_or_404(viewer=request.user)
        data = _valid(s.ReportPeriodInSerializer, request.query_params)
        try:
            period = report_selectors.period_between(start=data.get("start"), end=data.get("end"))
        except ValidationError as error:
            # The reports' form shows the same sentence next to its dates.
            raise refused(error) from None
        team = None
        if "team" in data:
            team = report_selectors.teams().filter(pk=data["team"]).first()
            if team is None:
                return _not_found()
        rows = report_selectors.manager_rows(period=period, team=team)
        record_access(
            viewer=request.user,
            person_ids=[row.manager_id for row in rows],
            kind=RecordAccess.Kind.REPORT_DASHBOARD,
        )
        body = {"period": {"first": period.first, "last": period.last}, "managers": rows}
        return Response(s.CadenceSerializer(body).data)
