"""The transition table and the steps every lifecycle action is built from: the locked row,
the state change with its event, and the rules for a signal's fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.communities.models import Community
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import SUBTOPICS, InfluenceLevel, SolutionLevel, TopicCategory
from leerkring.signalling import guard, learning
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalTheme
from leerkring.signalling.selectors import venster_changed
from leerkring.signalling.venster_tallies import programmes_lock

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


def signal_lock(signal: Signal) -> Signal:
    """The fresh, locked row. Two coordinators acting at once are serialised here. The
    programme's venster tally is locked before it: the first lock of every change to a
    programme's signals (`signalling.signal_saves`), so two actions on its signals never hold
    each other's kept rows."""
    programmes_lock([signal.programme_id])
    return Signal.objects.select_for_update().get(pk=signal.pk)


def signal_sync(target: Signal, source: Signal) -> Signal:
    """Copy the saved values back onto the caller's instance, so it is not stale."""
    if target is not source:
        for field in Signal._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


def actor_or_none(by) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def event_add(
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
    # counts stale, and the theme profiles when a link or a text changes.
    venster_changed(signal.programme_id)
    if kind in (SignalEvent.Kind.THEME, SignalEvent.Kind.TEXT, SignalEvent.Kind.REDACTION):
        learning.themes_changed()
    return SignalEvent.objects.create(
        signal=signal,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        actor=actor_or_none(by),
    )


def _state_label(state: str) -> str:
    return str(State(state).label)


def required_text(value: str | None, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: _("Deze tekst is te lang (meer dan %(max)s tekens).") % {"max": TEXT_MAX}}
        )
    return text


def transition_check(signal: Signal, to_state: str) -> None:
    if not can_transition(signal.state, to_state):
        raise ValidationError(
            _("Een signaal met status ‘%(from)s’ kan niet naar ‘%(to)s’.")
            % {"from": _state_label(signal.state), "to": _state_label(to_state)},
            code="illegal_transition",
        )


def transition_make(signal: Signal, *, to_state: str, by, note: str = "", data=None) -> SignalEvent:
    """Move a locked signal to `to_state`, append the event, close escalations it leaves."""
    transition_check(signal, to_state)
    from_state = signal.state
    signal.state = to_state
    signal.save(update_fields=["state"])
    if from_state in ESCALATED_STATES and to_state != from_state:
        signal.escalations.filter(
            level=ESCALATED_STATES[from_state], closed_at__isnull=True
        ).update(closed_at=timezone.now())
    return event_add(
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
    signal.description = required_text(
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


def meeting_check(meeting: Meeting | None, community: Community) -> None:
    if meeting is not None and meeting.community_id != community.pk:
        raise ValidationError({"meeting": _("De bijeenkomst hoort niet bij deze gemeenschap.")})


def theme_final(theme: SignalTheme) -> SignalTheme:
    """A merged theme lives on in the theme it was merged into."""
    seen = set()
    while theme.merged_into_id is not None and theme.pk not in seen:
        seen.add(theme.pk)
        theme = theme.merged_into
    return theme


def theme_check(theme: SignalTheme, signal: Signal) -> SignalTheme:
    if theme.programme_id != signal.community.programme_id:
        raise ValidationError({"theme": _("Dit hoofdvraagstuk hoort bij een ander programma.")})
    return theme_final(theme)
