"""Signals through the API: the venster, a community's own signals, raising and passing on,
the coordinator's steps, and the system level.

Each endpoint asks `signalling.permissions` what the page asks, validates with the page's form
and changes state only through `signalling.lifecycle`, so history, e-mails and webhooks follow
from the same calls as on the pages.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from leerkring.communities import permissions as community_permissions
from leerkring.meetings.topics import SolutionLevel, TopicCategory
from leerkring.search.selectors import RANK_CANDIDATES
from leerkring.signalling import forms as signal_forms
from leerkring.signalling import lifecycle, selectors
from leerkring.signalling import permissions as signal_permissions
from leerkring.signalling import search as signal_search
from leerkring.signalling.forms_venster import (
    SORT_CHOICES,
    SystemAnswerForm,
    ThemeRespondForm,
    VensterFilterForm,
)
from leerkring.signalling.models import Signal, SignalResponse, SignalTheme

from .. import problems
from .. import selectors as api_selectors
from ..pagination import SearchPagination
from ..serializers.signals import (
    AnswerCreateSerializer,
    AnswerSerializer,
    CommunitySignalSerializer,
    SignalActionSerializer,
    SignalDetailSerializer,
    SignalListSerializer,
    SignalPassOnSerializer,
    SignalRaiseSerializer,
    SystemInboxSerializer,
    SystemSignalSerializer,
)
from .base import IDEMPOTENCY_HEADER, bind, community_or_404, idempotent, programme_or_404, require

State = Signal.State

VENSTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=(
            f"Searches title and description. Only the newest {RANK_CANDIDATES} matches are "
            "ranked and listed; `capped` in the answer says when there were more."
        ),
    ),
    OpenApiParameter("state", OpenApiTypes.STR, enum=[s.value for s in selectors.VENSTER_STATES]),
    OpenApiParameter(
        "theme", OpenApiTypes.STR, description="A theme id, or `none` for signals without one."
    ),
    OpenApiParameter("topic_category", OpenApiTypes.STR, enum=TopicCategory.values),
    OpenApiParameter("solution_level", OpenApiTypes.STR, enum=SolutionLevel.values),
    OpenApiParameter("community", OpenApiTypes.INT, description="A community id."),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter(
        "waiting",
        OpenApiTypes.BOOL,
        description="Only signals waiting for feedback past the deadline.",
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[value for value, _label in SORT_CHOICES if value],
        description=(
            "Without one: waiting for feedback first, then (searching) the best match, then "
            "the newest."
        ),
    ),
]


# --- The venster -----------------------------------------------------------------------------


class VensterView(GenericAPIView):
    """The venster of a programme, with the same filters, sort and order as its page: for
    its coordinators, and read-only for the leads and facilitators of its communities. A
    search ranks and lists only its newest 200 matches, as the search page does."""

    serializer_class = SignalListSerializer
    pagination_class = SearchPagination

    @extend_schema(
        parameters=VENSTER_PARAMETERS,
        operation_id="venster_list",
        responses=SignalListSerializer(many=True),
        tags=["signalen"],
    )
    def get(self, request, slug: str):
        programme = programme_or_404(slug)
        require(signal_permissions.can_view_venster(request.user, programme))
        form = VensterFilterForm.for_programme(
            request.query_params, programme=programme, name_search=False
        )
        if form.is_bound and not form.is_valid():
            raise problems.form_problem(form)
        filters = form.filters()
        filters.pop("view", None)
        sort = filters.pop("sort", "")
        q = filters.pop("q", "")
        if signal_search.query_words(q):
            # The newest matches only, ranked: `capped` says when there were more.
            found = selectors.venster_search(
                programme=programme, q=q, sort=sort, defer=("description",), **filters
            )
            self.paginator.capped = found.capped
            page = self.paginator.paginate_known(found, request, self, count=found.count())
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        counts = selectors.venster_counts(programme=programme, **filters)
        rows = selectors.venster_rows(
            programme=programme, counts=counts, sort=sort, defer=("description",), **filters
        )
        count = len(rows) if isinstance(rows, selectors.SegmentedRows) else counts["matching"]
        page = self.paginator.paginate_known(rows, request, self, count=count)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- A community's own signals, raising ------------------------------------------------------


class CommunitySignalsView(GenericAPIView):
    """A community's own signals with their answers — members only, drafts included, as in
    "Onze signalen" — and raising a new one."""

    serializer_class = CommunitySignalSerializer

    @extend_schema(
        operation_id="community_signals_list",
        responses=CommunitySignalSerializer(many=True),
        tags=["signalen"],
    )
    def get(self, request, pk: int):
        community = community_or_404(pk)
        require(community_permissions.is_member(request.user, community))
        page = self.paginate_queryset(api_selectors.community_signals(community=community))
        api_selectors.attach_answers(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="community_signals_create",
        request=SignalRaiseSerializer,
        responses={201: SignalDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["signalen"],
    )
    @idempotent
    def post(self, request, pk: int):
        """A member raises a signal: a draft inside the community until the lead or
        facilitator passes it on. A coordinator raising one on the community's behalf passes
        it on at once, after the personal-data check (`confirmed`)."""
        community = community_or_404(pk)
        require(signal_permissions.can_raise_signal(request.user, community))
        on_behalf = not community_permissions.is_member(request.user, community)
        data = bind(signal_forms.SignalForm, request.data, community=community)
        meeting = data.pop("meeting")
        confirmed = bool(request.data.get("confirmed") is True)
        try:
            signal = lifecycle.signal_raise(
                community=community,
                by=request.user,
                meeting=meeting,
                on_behalf=on_behalf,
                guard_confirmed=confirmed,
                source="api",
                **data,
            )
        except lifecycle.PersonalDataFound as error:
            raise _personal_data_problem(error) from error
        except ValidationError as error:
            raise problems.validation_problem(error) from error
        return Response(_signal_detail(request, signal.pk), status=201)


def _without_confirmed(data) -> dict:
    """The body without `confirmed`, which the API spells for every guarded text; the forms
    the pages share call their box `guard_confirmed`."""
    return {k: v for k, v in data.items() if k != "confirmed"} if isinstance(data, dict) else data


def _problem(error: ValidationError) -> problems.InvalidInput:
    """The guard's refusal with its findings, any other refusal as a validation problem."""
    if getattr(error, "findings", None):
        return _personal_data_problem(error)
    return problems.validation_problem(error)


def _personal_data_problem(error: ValidationError) -> problems.InvalidInput:
    """The guard's findings, so a client can show where; passing `confirmed: true` (after
    checking) or an edited text gets the signal through, as on the page."""
    findings = [
        {"field": f.field, "kind": f.kind, "label": f.label, "start": f.start, "end": f.end}
        for f in error.findings
    ]
    return problems.InvalidInput(
        [
            {"detail": str(m), "pointer": "#/confirmed", "code": "personal_data"}
            for m in error.messages
        ],
        kind="personal-data",
        extra={"findings": findings},
    )


# --- One signal ------------------------------------------------------------------------------


def _visible_signal(request, pk: int) -> Signal:
    signal = get_object_or_404(selectors.signal_for_page(), pk=pk)
    require(signal_permissions.can_view_signal(request.user, signal))
    return signal


def _actions(user, signal: Signal) -> list[str]:
    if signal.state == State.DRAFT:
        return ["pass-on"] if signal_permissions.can_pass_on_signal(user, signal) else []
    if not signal_permissions.can_manage_venster(user, signal.community.programme):
        return []
    allowed = lifecycle.allowed_next_states(signal)
    return [key for key, action in ACTIONS.items() if action.offered(signal, allowed)]


def _signal_detail(request, pk: int) -> dict:
    """The signal as it is now (after a step), with its answers and what this visitor may do
    next."""
    signal = get_object_or_404(selectors.signal_for_page().prefetch_related("escalations"), pk=pk)
    signal.answers = selectors.signal_answers(signal=signal)
    signal.waiting = selectors.signal_is_waiting_for_feedback(signal=signal)
    signal.actions = _actions(request.user, signal)
    return SignalDetailSerializer(signal).data


class SignalDetailView(GenericAPIView):
    serializer_class = SignalDetailSerializer

    @extend_schema(operation_id="signal_retrieve", tags=["signalen"])
    def get(self, request, pk: int):
        """A signal as its page shows it: for the community's members, and once passed on for
        whoever consults the venster. The history, which names people, is not part of it."""
        _visible_signal(request, pk)
        return Response(_signal_detail(request, pk))


class SignalPassOnView(GenericAPIView):
    serializer_class = SignalDetailSerializer

    @extend_schema(
        operation_id="signal_pass_on",
        request=SignalPassOnSerializer,
        responses={200: SignalDetailSerializer},
        tags=["signalen"],
    )
    def post(self, request, pk: int):
        """The lead or facilitator lets the signal leave the community. The text is checked
        for personal data; with findings, send `confirmed: true` after checking, or an edited
        `title`/`description` (checked again)."""
        signal = _visible_signal(request, pk)
        require(signal_permissions.can_pass_on_signal(request.user, signal))
        payload = request.data if isinstance(request.data, dict) else None
        data = bind(
            signal_forms.PassOnForm,
            {"title": signal.title, "description": signal.description, **(payload or {})}
            if payload is not None
            else request.data,
        )
        redactions = {
            name: data[name].strip()
            for name in ("title", "description")
            if data[name].strip() != getattr(signal, name)
        }
        try:
            lifecycle.signal_pass_on(
                signal=signal,
                by=request.user,
                guard_confirmed=data["confirmed"],
                redactions=redactions or None,
            )
        except lifecycle.PersonalDataFound as error:
            raise _personal_data_problem(error) from error
        except ValidationError as error:
            raise problems.validation_problem(error) from error
        return Response(_signal_detail(request, signal.pk))


# --- The coordinator's steps -----------------------------------------------------------------


class Action:
    """One step of the coordinator on a signal: the page's form and the lifecycle call."""

    def __init__(self, form, run, to_states=(), needs_signal=False, open_only=False):
        self.form = form
        self.run = run
        self.to_states = set(to_states)
        self.needs_signal = needs_signal
        self.open_only = open_only

    def offered(self, signal: Signal, allowed: set[str]) -> bool:
        if self.to_states:
            return bool(self.to_states & allowed)
        if self.open_only:
            return signal.state not in lifecycle.CLOSED_STATES
        return True


ACTIONS: dict[str, Action] = {
    "triage": Action(
        signal_forms.TriageForm,
        lambda s, by, d: lifecycle.signal_triage(signal=s, by=by, owner=None, note=d["note"]),
        (State.IN_PROGRESS,),
        needs_signal=True,
    ),
    "known": Action(
        signal_forms.KnownForm,
        lambda s, by, d: lifecycle.signal_mark_known(
            signal=s, by=by, theme=d["theme"], known_as=d["known_as"], note=d["note"]
        ),
        (State.KNOWN,),
        needs_signal=True,
    ),
    "back": Action(
        signal_forms.AnswerForm,
        lambda s, by, d: lifecycle.signal_back_to_community(
            signal=s, by=by, answer=d["answer"], guard_confirmed=d["guard_confirmed"]
        ),
        (State.BACK_TO_COMMUNITY,),
    ),
    "escalate": Action(
        signal_forms.EscalateForm,
        lambda s, by, d: lifecycle.signal_escalate(
            signal=s,
            by=by,
            level=d["level"],
            question=d["question"],
            guard_confirmed=d["guard_confirmed"],
        ),
        (State.ESCALATED_LCC, State.ESCALATED_SYSTEM),
    ),
    "resolve": Action(
        signal_forms.AnswerForm,
        lambda s, by, d: lifecycle.signal_resolve(
            signal=s, by=by, answer=d["answer"], guard_confirmed=d["guard_confirmed"]
        ),
        (State.RESOLVED,),
    ),
    "no-follow-up": Action(
        signal_forms.ReasonForm,
        lambda s, by, d: lifecycle.signal_close_no_follow_up(
            signal=s, by=by, reason=d["reason"], guard_confirmed=d["guard_confirmed"]
        ),
        (State.NO_FOLLOW_UP,),
    ),
    "respond": Action(
        signal_forms.RespondForm,
        lambda s, by, d: lifecycle.signal_respond(
            signal=s,
            by=by,
            text=d["text"],
            source=SignalResponse.Source.COORDINATOR,
            guard_confirmed=d["guard_confirmed"],
        ),
        open_only=True,
    ),
    "theme": Action(
        signal_forms.ThemeForm,
        lambda s, by, d: lifecycle.signal_set_theme(signal=s, by=by, theme=d["theme"]),
        needs_signal=True,
    ),
}


class SignalActionView(GenericAPIView):
    serializer_class = SignalDetailSerializer

    @extend_schema(
        operation_id="signal_action",
        request=SignalActionSerializer,
        responses={200: SignalDetailSerializer},
        tags=["signalen"],
    )
    def post(self, request, pk: int):
        """A coordinator's step: take into handling, mark known, hand back, escalate, resolve,
        close without follow-up, send an interim answer, or link a main issue. The steps the
        current state allows are listed in the signal's `actions`."""
        signal = _visible_signal(request, pk)
        require(
            signal.state != State.DRAFT
            and signal_permissions.can_manage_venster(request.user, signal.community.programme)
        )
        body = request.data if isinstance(request.data, dict) else {}
        key = body.get("action")
        action = ACTIONS.get(key) if isinstance(key, str) else None
        if action is None:
            raise problems.InvalidInput(
                [
                    {
                        "detail": _("Kies een van deze stappen: %(steps)s.")
                        % {"steps": ", ".join(ACTIONS)},
                        "pointer": "#/action",
                        "code": "invalid_choice",
                    }
                ]
            )
        kwargs = {"signal": signal} if action.needs_signal else {}
        if key == "escalate":
            allowed = lifecycle.allowed_next_states(signal)
            kwargs["levels"] = [
                level for state, level in lifecycle.ESCALATED_STATES.items() if state in allowed
            ]
        data = bind(
            action.form,
            {k: v for k, v in body.items() if k not in ("action", "confirmed")},
            **kwargs,
        )
        data["guard_confirmed"] = body.get("confirmed") is True
        try:
            action.run(signal, request.user, data)
        except ValidationError as error:
            raise _problem(error) from error
        return Response(_signal_detail(request, signal.pk))


# --- Answers on a theme ----------------------------------------------------------------------


class ThemeAnswerView(GenericAPIView):
    serializer_class = AnswerSerializer

    @extend_schema(
        operation_id="theme_answer_create",
        request=AnswerCreateSerializer,
        responses={201: AnswerSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["hoofdvraagstukken"],
    )
    @idempotent
    def post(self, request, pk: int):
        """One answer on a main issue reaches every community whose signals are linked to it."""
        theme = get_object_or_404(SignalTheme.objects.select_related("programme"), pk=pk)
        require(signal_permissions.can_manage_venster(request.user, theme.programme))
        data = bind(ThemeRespondForm, _without_confirmed(request.data))
        try:
            response = lifecycle.theme_respond(
                theme=theme,
                by=request.user,
                text=data["text"],
                source=SignalResponse.Source.COORDINATOR,
                guard_confirmed=request.data.get("confirmed") is True,
            )
        except ValidationError as error:
            raise _problem(error) from error
        return Response(AnswerSerializer(response).data, status=201)


# --- The system level ------------------------------------------------------------------------


class SystemInboxView(GenericAPIView):
    serializer_class = SystemInboxSerializer

    @extend_schema(
        operation_id="system_inbox_list",
        responses=SystemInboxSerializer(many=True),
        tags=["stelselniveau"],
    )
    def get(self, request, slug: str):
        """Signals escalated to the system level, unanswered first — for system partners."""
        programme = programme_or_404(slug)
        require(signal_permissions.can_view_system_inbox(request.user, programme))
        # The count is kept per programme: counting read every escalated signal.
        page = self.paginator.paginate_known(
            selectors.system_inbox(programme=programme),
            request,
            self,
            count=selectors.system_inbox_count(programme=programme),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _system_signal(request, pk: int) -> Signal:
    """A signal never escalated to the system level does not exist for a system partner:
    404, not 403, as on the page."""
    try:
        signal = selectors.system_signal(pk=pk)
    except Signal.DoesNotExist as error:
        raise NotFound from error
    if not signal_permissions.can_view_escalated_signal(request.user, signal):
        raise NotFound
    require(signal_permissions.can_answer_as_system_partner(request.user, signal))
    signal.answers = selectors.signal_answers(signal=signal)
    return signal


class SystemSignalView(GenericAPIView):
    serializer_class = SystemSignalSerializer

    @extend_schema(operation_id="system_signal_retrieve", tags=["stelselniveau"])
    def get(self, request, pk: int):
        return Response(self.get_serializer(_system_signal(request, pk)).data)


class SystemAnswerView(GenericAPIView):
    serializer_class = AnswerSerializer

    @extend_schema(
        operation_id="system_answer_create",
        request=AnswerCreateSerializer,
        responses={201: AnswerSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["stelselniveau"],
    )
    @idempotent
    def post(self, request, pk: int):
        """The system partner's answer, which reaches the community and the coordinators."""
        signal = _system_signal(request, pk)
        data = bind(SystemAnswerForm, _without_confirmed(request.data))
        escalations = signal.system_escalations
        open_escalation = next((e for e in reversed(escalations) if e.closed_at is None), None)
        try:
            response = lifecycle.signal_respond(
                signal=signal,
                by=request.user,
                text=data["text"],
                source=SignalResponse.Source.SYSTEM,
                escalation=open_escalation or (escalations or [None])[-1],
                guard_confirmed=request.data.get("confirmed") is True,
            )
        except ValidationError as error:
            raise _problem(error) from error
        return Response(AnswerSerializer(response).data, status=201)
