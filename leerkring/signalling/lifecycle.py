"""Every change to a signal goes through this module (DESIGN.md §3 "Signal and the venster").

One function per action. Each one locks the signal's row (`select_for_update`), checks the
transition table, applies the change, appends `SignalEvent`s (who, when, from/to state) and sends
its notifications only after the transaction commits. Pages, the venster, the LCC, the system
partner's answer page and the import all call these functions and never save a signal directly,
so the history and the e-mails cannot be bypassed (STYLE.md: the Signalen and Zulip way).

Decisions worth knowing:
- An answer that reaches the community (`signal_respond`, "resolved", "back to community", a
  theme answer, the reason for "no follow-up") is a `SignalResponse` and sets
  `last_feedback_at`: the report found that signals closed without a word demotivate, so even
  the reason for "no follow-up" is told to the community.
- Text edits and redactions record only *which* fields changed, never the old text: a signal's
  earlier wording may hold exactly the personal data that was removed (DESIGN.md §2).
- Leaving an escalated state closes the open escalations at that level, so the path up the
  ladder stays readable after the signal comes back down.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Programme,
)
from leerkring.core.emails import email_build, emails_send_on_commit
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import SUBTOPICS, InfluenceLevel, SolutionLevel, TopicCategory

from . import guard
from .models import (
    CoordinationDecision,
    CoordinationMeeting,
    Escalation,
    Signal,
    SignalEvent,
    SignalResponse,
    SignalTheme,
)
from .selectors import venster_changed

State = Signal.State
Kind = SignalEvent.Kind

# --- The transition table ------------------------------------------------------------------

#: Which state may follow which. Pages read this to offer only the actions that are allowed.
#: "Any open state → resolved | no follow-up" is spelled out per state; resolved and
#: no follow-up are closed. A "known" signal can be taken back into handling when it turns out
#: not to be the same after all; "back to community" can come back when local solving fails.
TRANSITIONS: dict[str, set[str]] = {
    State.DRAFT: {State.NEW},
    State.NEW: {State.IN_PROGRESS, State.RESOLVED, State.NO_FOLLOW_UP},
    State.IN_PROGRESS: {
        State.KNOWN,
        State.BACK_TO_COMMUNITY,
        State.ESCALATED_LCC,
        State.ESCALATED_SYSTEM,
        State.RESOLVED,
        State.NO_FOLLOW_UP,
    },
    State.KNOWN: {State.IN_PROGRESS, State.RESOLVED, State.NO_FOLLOW_UP},
    State.BACK_TO_COMMUNITY: {State.IN_PROGRESS, State.RESOLVED, State.NO_FOLLOW_UP},
    State.ESCALATED_LCC: {
        State.ESCALATED_SYSTEM,
        State.BACK_TO_COMMUNITY,
        State.RESOLVED,
        State.NO_FOLLOW_UP,
        State.IN_PROGRESS,
    },
    State.ESCALATED_SYSTEM: {
        State.RESOLVED,
        State.BACK_TO_COMMUNITY,
        State.NO_FOLLOW_UP,
        State.IN_PROGRESS,
    },
    State.RESOLVED: set(),
    State.NO_FOLLOW_UP: set(),
}

#: States in which a signal is still being worked on (not a draft, not closed).
OPEN_STATES: frozenset[str] = frozenset(
    s for s in TRANSITIONS if s != State.DRAFT and TRANSITIONS[s]
)
CLOSED_STATES: frozenset[str] = frozenset({State.RESOLVED, State.NO_FOLLOW_UP})
ESCALATED_STATES: dict[str, str] = {
    State.ESCALATED_LCC: Escalation.Level.LCC,
    State.ESCALATED_SYSTEM: Escalation.Level.SYSTEM,
}

#: The fields a person writes when raising a signal.
SIGNAL_FIELDS = (
    "title",
    "description",
    "raised_on",
    "topic_category",
    "subtopic",
    "solution_level",
    "influence_level",
)
TITLE_MAX = 200
TEXT_MAX = 10_000


def can_transition(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, set())


def allowed_next_states(signal: Signal) -> set[str]:
    return set(TRANSITIONS.get(signal.state, set()))


class PersonalDataFound(ValidationError):
    """Passing on was refused because the text seems to hold personal data; `findings` says
    where, so the page can highlight it."""

    def __init__(self, findings: list[guard.Finding]) -> None:
        self.findings = findings
        super().__init__(
            _(
                "De tekst lijkt persoonsgegevens te bevatten. Haal ze weg, of bevestig dat er "
                "geen persoonsgegevens van inburgeraars in staan."
            ),
            code="personal_data",
        )


# --- Small helpers -------------------------------------------------------------------------


def _lock(signal: Signal) -> Signal:
    """The fresh, locked row. Two coordinators acting at once are serialised here."""
    return Signal.objects.select_for_update().get(pk=signal.pk)


def _sync(target: Signal, source: Signal) -> Signal:
    """Copy the saved values back onto the caller's instance, so it is not stale."""
    if target is not source:
        for field in Signal._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


def _actor(by) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _event(
    signal: Signal,
    *,
    kind: str,
    by,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> SignalEvent:
    # Every change to a signal writes an event: the one place to make the venster's cached
    # counts stale.
    venster_changed()
    return SignalEvent.objects.create(
        signal=signal,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        actor=_actor(by),
    )


def _state_label(state: str) -> str:
    return str(State(state).label)


def _required_text(value: str | None, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: _("Deze tekst is te lang (meer dan %(max)s tekens).") % {"max": TEXT_MAX}}
        )
    return text


def _check_transition(signal: Signal, to_state: str) -> None:
    if not can_transition(signal.state, to_state):
        raise ValidationError(
            _("Een signaal met status ‘%(from)s’ kan niet naar ‘%(to)s’.")
            % {"from": _state_label(signal.state), "to": _state_label(to_state)},
            code="illegal_transition",
        )


def _transition(signal: Signal, *, to_state: str, by, note: str = "", data=None) -> SignalEvent:
    """Move a locked signal to `to_state`, append the event, close escalations it leaves."""
    _check_transition(signal, to_state)
    from_state = signal.state
    signal.state = to_state
    signal.save(update_fields=["state"])
    if from_state in ESCALATED_STATES and to_state != from_state:
        signal.escalations.filter(
            level=ESCALATED_STATES[from_state], closed_at__isnull=True
        ).update(closed_at=timezone.now())
    return _event(
        signal,
        kind=Kind.STATE,
        by=by,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data,
    )


def category_of_subtopic(subtopic: str) -> str | None:
    """The topic category a (Dutch) subtopic belongs to, or None for a free topic."""
    with translation.override("nl"):
        for category, subtopics in SUBTOPICS.items():
            if subtopic in {str(s) for s in subtopics}:
                return str(category)
    return None


def apply_fields(signal: Signal, fields: dict) -> list[str]:
    """Put the writable fields on an (unsaved or locked) signal and check them; returns the
    names of the fields whose value changed."""
    unknown = set(fields) - set(SIGNAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown signal fields: {sorted(unknown)}")
    changed = []
    for name in SIGNAL_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, str):
            value = value.strip()
        if value is None and name in ("topic_category", "subtopic", "influence_level"):
            value = ""
        if getattr(signal, name) != value:
            changed.append(name)
        setattr(signal, name, value)
    if not (signal.title or "").strip():
        raise ValidationError({"title": _("Geef het signaal een titel.")})
    if len(signal.title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("De titel is te lang (meer dan %(max)s tekens).") % {"max": TITLE_MAX}}
        )
    signal.description = _required_text(
        signal.description,
        field="description",
        message=_("Beschrijf wat er speelt."),
    )
    if signal.subtopic:
        category = category_of_subtopic(signal.subtopic)
        if category is None:
            raise ValidationError({"subtopic": _("Kies een onderwerp uit de lijst.")})
        if signal.topic_category and signal.topic_category != category:
            raise ValidationError(
                {
                    "subtopic": _("Dit onderwerp hoort bij de categorie ‘%(category)s’.")
                    % {"category": TopicCategory(category).label}
                }
            )
        signal.topic_category = category
    if not signal.solution_level:
        signal.solution_level = SolutionLevel.LOCAL
    if signal.influence_level and signal.influence_level not in InfluenceLevel.values:
        raise ValidationError({"influence_level": _("Kies een niveau van invloed uit de lijst.")})
    return changed


def _check_meeting(meeting: Meeting | None, community: Community) -> None:
    if meeting is not None and meeting.community_id != community.pk:
        raise ValidationError({"meeting": _("De bijeenkomst hoort niet bij deze gemeenschap.")})


def _final_theme(theme: SignalTheme) -> SignalTheme:
    """A merged theme lives on in the theme it was merged into."""
    seen = set()
    while theme.merged_into_id is not None and theme.pk not in seen:
        seen.add(theme.pk)
        theme = theme.merged_into
    return theme


def _check_theme(theme: SignalTheme, signal: Signal) -> SignalTheme:
    if theme.programme_id != signal.community.programme_id:
        raise ValidationError({"theme": _("Dit hoofdvraagstuk hoort bij een ander programma.")})
    return _final_theme(theme)


# --- Notifications (sent after commit) -----------------------------------------------------


def _signal_url(signal: Signal) -> str:
    return settings.SITE_URL + reverse("signalling:signal_detail", args=[signal.pk])


def guidance_emails(community_ids: Iterable[int]) -> dict[int, list[str]]:
    """The e-mail addresses of each community's lead(s) and facilitator(s)."""
    roles = set(LEAD_ROLES) | set(FACILITATOR_ROLES)
    result: dict[int, list[str]] = {}
    rows = (
        Membership.objects.active()
        .filter(community_id__in=list(community_ids), role__in=roles)
        .exclude(person__email__isnull=True)
        .exclude(person__email="")
        .values_list("community_id", "person__email")
        .order_by("community_id", "person__email")
    )
    for community_id, email in rows:
        if email not in result.setdefault(community_id, []):
            result[community_id].append(email)
    return result


def programme_role_emails(programme: Programme | int, role: str) -> list[str]:
    programme_id = programme if isinstance(programme, int) else programme.pk
    return sorted(
        set(
            ProgrammeRole.objects.filter(programme_id=programme_id, role=role)
            .exclude(person__email__isnull=True)
            .exclude(person__email="")
            .values_list("person__email", flat=True)
        )
    )


def _notify_answer(signals: list[Signal], response: SignalResponse) -> None:
    """Every answer reaches the lead and facilitator of each community that raised one of the
    signals (issue §4) — one message per community, never to another community."""
    by_community: dict[int, list[Signal]] = {}
    for signal in signals:
        by_community.setdefault(signal.community_id, []).append(signal)
    recipients = guidance_emails(by_community)
    messages = []
    for community_id, community_signals in by_community.items():
        to = recipients.get(community_id)
        if not to:
            continue
        community = community_signals[0].community
        messages.append(
            email_build(
                template="signalling/email/answer",
                context={
                    "community": community,
                    "signals": [(s, _signal_url(s)) for s in community_signals],
                    "response": response,
                },
                subject=_("Antwoord op een signaal van %(community)s")
                % {"community": community.name},
                to=to,
            )
        )
    emails_send_on_commit(messages)


def _notify_passed_on(signal: Signal) -> None:
    to = programme_role_emails(signal.community.programme_id, ProgrammeRole.Role.COORDINATOR)
    if to:
        emails_send_on_commit(
            [
                email_build(
                    template="signalling/email/passed_on",
                    context={"signal": signal, "url": _signal_url(signal)},
                    subject=_("Nieuw signaal van %(community)s")
                    % {"community": signal.community.name},
                    to=to,
                )
            ]
        )


def _notify_escalated_system(signal: Signal, escalation: Escalation) -> None:
    """System partners get the signal's text and the question — no names (DESIGN.md §2)."""
    to = programme_role_emails(signal.community.programme_id, ProgrammeRole.Role.SYSTEM_PARTNER)
    if to:
        emails_send_on_commit(
            [
                email_build(
                    template="signalling/email/escalated_system",
                    context={
                        "signal": signal,
                        "escalation": escalation,
                        "url": _signal_url(signal),
                    },
                    subject=_("Signaal opgeschaald naar stelselniveau: %(title)s")
                    % {"title": signal.title},
                    to=to,
                )
            ]
        )


# --- Raising and the draft -----------------------------------------------------------------


@transaction.atomic
def signal_raise(
    *,
    community: Community,
    by,
    meeting: Meeting | None = None,
    on_behalf: bool = False,
    guard_confirmed: bool = False,
    source: str = "community",
    **fields,
) -> Signal:
    """A member raises a signal: it starts as a draft inside the closed community until the
    lead or facilitator passes it on.

    `on_behalf=True` is a coordinator raising it for a community: the coordinator is outside
    the closed room already, so the signal is passed on at once — after the same personal-data
    check as any pass-on."""
    _check_meeting(meeting, community)
    signal = Signal(community=community, meeting=meeting, created_by=_actor(by))
    if meeting is not None and "raised_on" not in fields:
        signal.raised_on = timezone.localtime(meeting.starts_at).date()
    if fields.get("raised_on") is None:
        fields.pop("raised_on", None)
    apply_fields(signal, fields)
    if on_behalf:
        findings = guard.scan_signal(signal.title, signal.description)
        if findings and not guard_confirmed:
            raise PersonalDataFound(findings)
    signal.full_clean()
    signal.save()
    data = {"source": "meeting" if meeting is not None and source == "community" else source}
    if on_behalf:
        data["on_behalf"] = True
    _event(signal, kind=Kind.CREATED, by=by, to_state=State.DRAFT, data=data)
    if on_behalf:
        _pass_on(signal, by=by, findings=findings, confirmed=bool(findings))
    return signal


@transaction.atomic
def signal_edit_draft(*, signal: Signal, by, meeting: Meeting | None | str = "keep", **fields):
    """Change a draft's fields inside the community (the raiser, the lead or facilitator)."""
    locked = _lock(signal)
    if locked.state != State.DRAFT:
        raise ValidationError(
            _("Dit signaal is al doorgegeven; het kan hier niet meer worden gewijzigd.")
        )
    changed = apply_fields(locked, fields)
    if meeting != "keep":
        _check_meeting(meeting, locked.community)
        if locked.meeting_id != getattr(meeting, "pk", None):
            changed.append("meeting")
        locked.meeting = meeting
    locked.full_clean()
    locked.save()
    if changed:
        _event(locked, kind=Kind.TEXT, by=by, data={"fields": changed})
    return _sync(signal, locked)


@transaction.atomic
def signal_delete_draft(*, signal: Signal, by) -> None:
    """Only a draft can be deleted: once passed on, a signal's history must stay."""
    locked = _lock(signal)
    if locked.state != State.DRAFT:
        raise ValidationError(_("Een doorgegeven signaal kan niet worden verwijderd."))
    from leerkring.core.audit import audit

    audit(actor=by, verb="signal.delete", obj=locked, community_id=locked.community_id)
    locked.delete()


# --- Passing on ----------------------------------------------------------------------------


def _pass_on(signal: Signal, *, by, findings, confirmed: bool) -> None:
    _check_transition(signal, State.NEW)
    signal.state = State.NEW
    signal.passed_on_at = timezone.now()
    signal.passed_on_by = _actor(by)
    signal.save(update_fields=["state", "passed_on_at", "passed_on_by"])
    _event(
        signal,
        kind=Kind.PASSED_ON,
        by=by,
        from_state=State.DRAFT,
        to_state=State.NEW,
        data={
            "guard_findings": sorted({f.kind for f in findings}),
            "guard_confirmed": confirmed,
        },
    )
    _notify_passed_on(signal)


@transaction.atomic
def signal_pass_on(
    *,
    signal: Signal,
    by,
    guard_confirmed: bool = False,
    redactions: dict[str, str] | None = None,
) -> Signal:
    """The lead or facilitator lets the signal leave the closed community.

    The text is checked for personal data first (issue §6). `redactions` ({"title": …,
    "description": …}) is the edited text; it is checked again. With findings left, passing
    on needs `guard_confirmed` ("Ik heb dit gecontroleerd"), otherwise `PersonalDataFound`."""
    locked = _lock(signal)
    _check_transition(locked, State.NEW)
    if redactions:
        _redact(locked, by=by, **redactions)
    findings = guard.scan_signal(locked.title, locked.description)
    if findings and not guard_confirmed:
        raise PersonalDataFound(findings)
    _pass_on(locked, by=by, findings=findings, confirmed=bool(findings))
    return _sync(signal, locked)


# --- Coordinator steps ---------------------------------------------------------------------


@transaction.atomic
def signal_triage(*, signal: Signal, by, owner=None, note: str = "") -> Signal:
    """Take the signal into handling (new → in progress; also back from known, back to
    community or an escalation when it needs more work)."""
    locked = _lock(signal)
    _transition(locked, to_state=State.IN_PROGRESS, by=by, note=(note or "").strip())
    if owner is not None:
        _set_owner(locked, by=by, owner=owner)
    return _sync(signal, locked)


@transaction.atomic
def signal_mark_known(
    *,
    signal: Signal,
    by,
    theme: SignalTheme | None = None,
    known_as: Signal | None = None,
    note: str = "",
) -> Signal:
    """The signal is already known: linked to a theme or to the earlier signal it repeats, so
    it is not counted twice."""
    locked = _lock(signal)
    if theme is None and known_as is None:
        raise ValidationError(
            {"theme": _("Kies het hoofdvraagstuk of het eerdere signaal waar dit bij hoort.")}
        )
    if known_as is not None:
        if known_as.pk == locked.pk:
            raise ValidationError({"known_as": _("Een signaal kan niet naar zichzelf verwijzen.")})
        if (
            known_as.community.programme_id != locked.community.programme_id
            or known_as.state == State.DRAFT
        ):
            raise ValidationError(
                {"known_as": _("Kies een doorgegeven signaal uit hetzelfde programma.")}
            )
    _transition(
        locked,
        to_state=State.KNOWN,
        by=by,
        note=(note or "").strip(),
        data={"known_as": getattr(known_as, "pk", None)},
    )
    if theme is not None:
        _set_theme(locked, by=by, theme=theme)
    if known_as is not None:
        locked.known_as = known_as
        locked.save(update_fields=["known_as"])
    return _sync(signal, locked)


def _respond(
    signal: Signal,
    *,
    by,
    text: str,
    source: str,
    escalation: Escalation | None = None,
    notify: bool = True,
) -> SignalResponse:
    response = SignalResponse.objects.create(
        signal=signal, escalation=escalation, source=source, text=text, author=_actor(by)
    )
    signal.last_feedback_at = response.created_at
    signal.save(update_fields=["last_feedback_at"])
    _event(
        signal,
        kind=Kind.RESPONSE,
        by=by,
        note=text,
        data={"response": response.pk, "source": source},
    )
    if notify:
        _notify_answer([signal], response)
    return response


def _answer_transition(
    signal: Signal, *, by, to_state: str, answer: str, source: str, field: str = "answer"
) -> Signal:
    locked = _lock(signal)
    text = _required_text(
        answer, field=field, message=_("Schrijf het antwoord voor de gemeenschap.")
    )
    _transition(locked, to_state=to_state, by=by)
    _respond(locked, by=by, text=text, source=source)
    return _sync(signal, locked)


@transaction.atomic
def signal_back_to_community(
    *, signal: Signal, by, answer: str, source: str = SignalResponse.Source.COORDINATOR
) -> Signal:
    """To be solved locally; the community gets the answer why and how."""
    return _answer_transition(
        signal, by=by, to_state=State.BACK_TO_COMMUNITY, answer=answer, source=source
    )


@transaction.atomic
def signal_resolve(
    *, signal: Signal, by, answer: str, source: str = SignalResponse.Source.COORDINATOR
) -> Signal:
    return _answer_transition(signal, by=by, to_state=State.RESOLVED, answer=answer, source=source)


@transaction.atomic
def signal_close_no_follow_up(
    *, signal: Signal, by, reason: str, source: str = SignalResponse.Source.COORDINATOR
) -> Signal:
    """Closed without follow-up; the reason is required and is told to the community."""
    locked = _lock(signal)
    text = _required_text(reason, field="reason", message=_("Geef de reden op."))
    _transition(locked, to_state=State.NO_FOLLOW_UP, by=by, note=text)
    _respond(locked, by=by, text=text, source=source)
    return _sync(signal, locked)


def _escalation_record(
    locked: Signal,
    *,
    by,
    level: str,
    text: str,
    coordination_meeting: CoordinationMeeting | None,
) -> Escalation:
    """The escalation step itself, whether asked for on the signal or decided by the LCC: its
    own record, the state change, the history line and (system level) the mail to the
    system partners. The caller has checked the transition."""
    from_state = locked.state
    to_state = State.ESCALATED_LCC if level == Escalation.Level.LCC else State.ESCALATED_SYSTEM
    escalation = Escalation.objects.create(
        signal=locked,
        level=level,
        question=text,
        coordination_meeting=coordination_meeting,
        escalated_by=_actor(by),
    )
    _transition(locked, to_state=to_state, by=by, data={"escalation": escalation.pk})
    _event(
        locked,
        kind=Kind.ESCALATION,
        by=by,
        from_state=from_state,
        to_state=to_state,
        note=text,
        data={"escalation": escalation.pk, "level": level},
    )
    if level == Escalation.Level.SYSTEM:
        _notify_escalated_system(locked, escalation)
    return escalation


@transaction.atomic
def signal_escalate(
    *,
    signal: Signal,
    by,
    level: str,
    question: str,
    coordination_meeting: CoordinationMeeting | None = None,
) -> Escalation:
    """One step up the ladder, kept as its own record (issue §2)."""
    if level not in Escalation.Level.values:
        raise ValidationError({"level": _("Kies het niveau waarnaar u opschaalt.")})
    locked = _lock(signal)
    text = _required_text(question, field="question", message=_("Schrijf de vraag die u voorlegt."))
    if coordination_meeting is not None:
        if level != Escalation.Level.LCC:
            raise ValidationError(
                {
                    "coordination_meeting": _(
                        "Alleen een opschaling naar het LCC hoort bij een overleg."
                    )
                }
            )
        if coordination_meeting.programme_id != locked.community.programme_id:
            raise ValidationError(
                {"coordination_meeting": _("Dit overleg hoort bij een ander programma.")}
            )
    to_state = State.ESCALATED_LCC if level == Escalation.Level.LCC else State.ESCALATED_SYSTEM
    _check_transition(locked, to_state)
    escalation = _escalation_record(
        locked, by=by, level=level, text=text, coordination_meeting=coordination_meeting
    )
    _sync(signal, locked)
    return escalation


def _set_theme(signal: Signal, *, by, theme: SignalTheme | None) -> None:
    if theme is not None:
        theme = _check_theme(theme, signal)
    if signal.theme_id == getattr(theme, "pk", None):
        return
    old = signal.theme
    signal.theme = theme
    signal.save(update_fields=["theme"])
    _event(
        signal,
        kind=Kind.THEME,
        by=by,
        data={
            "from": getattr(old, "pk", None),
            "from_title": getattr(old, "title", ""),
            "to": getattr(theme, "pk", None),
            "to_title": getattr(theme, "title", ""),
        },
    )


@transaction.atomic
def signal_set_theme(*, signal: Signal, by, theme: SignalTheme | None) -> Signal:
    """Link the signal to a main issue (or unlink it with None)."""
    locked = _lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(
            _("Een concept kan nog niet aan een hoofdvraagstuk worden gekoppeld.")
        )
    _set_theme(locked, by=by, theme=theme)
    return _sync(signal, locked)


def _set_owner(signal: Signal, *, by, owner) -> None:
    if (
        owner is not None
        and not ProgrammeRole.objects.filter(
            person__user=owner,
            programme_id=signal.community.programme_id,
            role=ProgrammeRole.Role.COORDINATOR,
        ).exists()
    ):
        raise ValidationError({"owner": _("Kies een coördinator van dit programma.")})
    if signal.owner_id == getattr(owner, "pk", None):
        return
    old = signal.owner_id
    signal.owner = owner
    signal.save(update_fields=["owner"])
    _event(signal, kind=Kind.OWNER, by=by, data={"from": old, "to": getattr(owner, "pk", None)})


@transaction.atomic
def signal_set_owner(*, signal: Signal, by, owner) -> Signal:
    """Who at the coordination point handles it (a coordinator of the programme, or None)."""
    locked = _lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(_("Een concept heeft nog geen behandelaar."))
    _set_owner(locked, by=by, owner=owner)
    return _sync(signal, locked)


@transaction.atomic
def signal_edit_text(
    *, signal: Signal, by, title: str | None = None, description: str | None = None
) -> Signal:
    """Correct the wording. The event names the changed fields only — not the old text."""
    locked = _lock(signal)
    fields = {}
    if title is not None:
        fields["title"] = title
    if description is not None:
        fields["description"] = description
    changed = apply_fields(locked, fields)
    locked.full_clean()
    locked.save(update_fields=["title", "description"])
    if changed:
        _event(locked, kind=Kind.TEXT, by=by, data={"fields": changed})
    return _sync(signal, locked)


def _redact(signal: Signal, *, by, title: str | None = None, description: str | None = None):
    fields = {}
    if title is not None:
        fields["title"] = title
    if description is not None:
        fields["description"] = description
    changed = apply_fields(signal, fields)
    if not changed:
        raise ValidationError(_("De tekst is niet veranderd; er is niets weggehaald."))
    signal.full_clean()
    signal.save(update_fields=["title", "description"])
    # Only which fields — the removed text must not survive anywhere (DESIGN.md §2).
    _event(signal, kind=Kind.REDACTION, by=by, data={"fields": changed})


@transaction.atomic
def signal_redact(*, signal: Signal, by, title: str, description: str) -> Signal:
    """Remove personal data from the text. The history keeps that it happened, not what."""
    locked = _lock(signal)
    _redact(locked, by=by, title=title, description=description)
    return _sync(signal, locked)


# --- Answers -------------------------------------------------------------------------------


@transaction.atomic
def signal_respond(
    *,
    signal: Signal,
    by,
    text: str,
    source: str,
    escalation: Escalation | None = None,
    notify: bool = True,
) -> SignalResponse:
    """An answer or progress update for the community; it does not change the state.
    `notify=False` is for answers carried over from an imported sheet, which the community
    received long ago."""
    if source not in SignalResponse.Source.values:
        raise ValidationError({"source": _("Onbekende afzender van het antwoord.")})
    locked = _lock(signal)
    if locked.state == State.DRAFT:
        raise ValidationError(
            _("Een concept is nog niet doorgegeven en kan geen antwoord krijgen.")
        )
    if escalation is not None and escalation.signal_id != locked.pk:
        raise ValidationError({"escalation": _("Deze opschaling hoort bij een ander signaal.")})
    body = _required_text(text, field="text", message=_("Schrijf het antwoord."))
    response = _respond(
        locked, by=by, text=body, source=source, escalation=escalation, notify=notify
    )
    _sync(signal, locked)
    return response


@transaction.atomic
def theme_respond(*, theme: SignalTheme, by, text: str, source: str) -> SignalResponse:
    """One answer on a main issue reaches every community whose signals are linked to it
    (also through themes merged into it)."""
    if source not in SignalResponse.Source.values:
        raise ValidationError({"source": _("Onbekende afzender van het antwoord.")})
    body = _required_text(text, field="text", message=_("Schrijf het antwoord."))
    theme = _final_theme(theme)
    response = SignalResponse.objects.create(
        theme=theme, source=source, text=body, author=_actor(by)
    )
    signals = list(
        Signal.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(Q(theme=theme) | Q(theme__merged_into=theme))
        .exclude(state=State.DRAFT)
        .order_by("pk")
    )
    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(
        last_feedback_at=response.created_at
    )
    venster_changed()
    SignalEvent.objects.bulk_create(
        [
            SignalEvent(
                signal=s,
                kind=Kind.RESPONSE,
                note=body,
                data={"response": response.pk, "source": source, "theme": theme.pk},
                actor=_actor(by),
            )
            for s in signals
        ]
    )
    _notify_answer(signals, response)
    return response


# --- The coordination meeting (LCC) --------------------------------------------------------


@transaction.atomic
def coordination_decide(
    *,
    coordination_meeting: CoordinationMeeting,
    signal: Signal,
    by,
    decision: str,
    resulting_state: str,
) -> CoordinationDecision:
    """What the LCC decided for one signal, as a lifecycle step. The decision text doubles as
    the answer (resolved, back to community), the reason (no follow-up) or the question
    (escalated to the system level)."""
    locked = _lock(signal)
    if coordination_meeting.programme_id != locked.community.programme_id:
        raise ValidationError(_("Dit overleg hoort bij een ander programma."))
    text = _required_text(decision, field="decision", message=_("Schrijf het besluit op."))
    if CoordinationDecision.objects.filter(
        coordination_meeting=coordination_meeting, signal=locked
    ).exists():
        raise ValidationError(_("Voor dit signaal is in dit overleg al een besluit vastgelegd."))
    if resulting_state not in State.values:
        raise ValidationError({"resulting_state": _("Kies een geldige status.")})
    from_state = locked.state
    if resulting_state != from_state:
        _check_transition(locked, resulting_state)
    elif locked.state in CLOSED_STATES or locked.state == State.DRAFT:
        raise ValidationError(_("Over dit signaal valt niets meer te besluiten."))
    result = CoordinationDecision.objects.create(
        coordination_meeting=coordination_meeting,
        signal=locked,
        decision=text,
        resulting_state=resulting_state,
        decided_by=_actor(by),
    )
    _event(
        locked,
        kind=Kind.DECISION,
        by=by,
        from_state=from_state,
        to_state=resulting_state,
        note=text,
        data={"coordination_meeting": coordination_meeting.pk, "decision": result.pk},
    )
    lcc = SignalResponse.Source.LCC
    if resulting_state == from_state:
        pass
    elif resulting_state == State.ESCALATED_SYSTEM:
        _escalation_record(
            locked,
            by=by,
            level=Escalation.Level.SYSTEM,
            text=text,
            coordination_meeting=coordination_meeting,
        )
    elif resulting_state == State.ESCALATED_LCC:
        escalation = Escalation.objects.create(
            signal=locked,
            level=Escalation.Level.LCC,
            question=text,
            coordination_meeting=coordination_meeting,
            escalated_by=_actor(by),
        )
        _transition(locked, to_state=resulting_state, by=by, data={"escalation": escalation.pk})
    elif resulting_state in (State.RESOLVED, State.BACK_TO_COMMUNITY, State.NO_FOLLOW_UP):
        _transition(locked, to_state=resulting_state, by=by, note=text)
        _respond(locked, by=by, text=text, source=lcc)
    elif resulting_state == State.KNOWN:
        raise ValidationError(
            {"resulting_state": _("Markeer een signaal als bekend vanuit de signaalpagina.")}
        )
    else:
        _transition(locked, to_state=resulting_state, by=by, note=text)
    _sync(signal, locked)
    return result


# --- Import --------------------------------------------------------------------------------

IMPORT_FIELDS = SIGNAL_FIELDS + ("passed_on_at", "last_feedback_at", "theme", "meeting")


@transaction.atomic
def signal_import(*, community: Community, by, state: str = State.NEW, **fields) -> Signal:
    """A signal from an existing venster sheet, arriving in the state the sheet gives it.
    It is recorded as created by the import, so the history says where it came from."""
    unknown = set(fields) - set(IMPORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown import fields: {sorted(unknown)}")
    if state not in State.values:
        raise ValidationError({"state": _("Onbekende status.")})
    meeting = fields.pop("meeting", None)
    theme = fields.pop("theme", None)
    passed_on_at = fields.pop("passed_on_at", None)
    last_feedback_at = fields.pop("last_feedback_at", None)
    _check_meeting(meeting, community)
    signal = Signal(community=community, meeting=meeting, created_by=_actor(by), state=state)
    if fields.get("raised_on") is None:
        fields.pop("raised_on", None)
    apply_fields(signal, fields)
    if theme is not None:
        signal.theme = _check_theme(theme, signal)
    if state != State.DRAFT:
        signal.passed_on_at = passed_on_at or timezone.now()
        signal.passed_on_by = _actor(by)
    signal.last_feedback_at = last_feedback_at
    signal.full_clean()
    signal.save()
    _event(signal, kind=Kind.CREATED, by=by, to_state=state, data={"source": "import"})
    return signal
