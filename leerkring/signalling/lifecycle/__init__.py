"""Every change to a signal goes through this package (DESIGN.md §3 "Signal and the venster").

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

Modules: `transitions` (the table, the locked row, events, field rules), `notifications`
(e-mails after commit), `raising` (draft and passing on), `handling` (the coordination
point's steps, theme, owner, text), `answers`, `escalation` (escalations and LCC decisions),
`importing` (signals from a venster sheet). Callers use `from leerkring.signalling import
lifecycle`; the names below are the public ones."""

from .answers import answer_check, signal_respond, theme_answer_reach, theme_respond
from .escalation import coordination_decide, signal_escalate
from .handling import (
    signal_back_to_community,
    signal_close_no_follow_up,
    signal_edit_details,
    signal_edit_text,
    signal_mark_known,
    signal_redact,
    signal_resolve,
    signal_set_owner,
    signal_set_theme,
    signal_triage,
)
from .importing import IMPORT_FIELDS, signal_import
from .notifications import guidance_emails, programme_role_emails
from .raising import signal_delete_draft, signal_edit_draft, signal_pass_on, signal_raise
from .transitions import (
    CLOSED_STATES,
    ESCALATED_STATES,
    OPEN_STATES,
    SIGNAL_FIELDS,
    TEXT_MAX,
    TITLE_MAX,
    TRANSITIONS,
    Kind,
    PersonalDataFound,
    State,
    allowed_next_states,
    apply_fields,
    can_transition,
    category_of_subtopic,
)

__all__ = [
    "answer_check",
    "CLOSED_STATES",
    "ESCALATED_STATES",
    "IMPORT_FIELDS",
    "Kind",
    "OPEN_STATES",
    "PersonalDataFound",
    "SIGNAL_FIELDS",
    "State",
    "TEXT_MAX",
    "TITLE_MAX",
    "TRANSITIONS",
    "allowed_next_states",
    "apply_fields",
    "can_transition",
    "category_of_subtopic",
    "coordination_decide",
    "guidance_emails",
    "programme_role_emails",
    "signal_back_to_community",
    "signal_close_no_follow_up",
    "signal_delete_draft",
    "signal_edit_details",
    "signal_edit_draft",
    "signal_edit_text",
    "signal_escalate",
    "signal_import",
    "signal_mark_known",
    "signal_pass_on",
    "signal_raise",
    "signal_redact",
    "signal_resolve",
    "signal_respond",
    "signal_set_owner",
    "signal_set_theme",
    "signal_triage",
    "theme_answer_reach",
    "theme_respond",
]
