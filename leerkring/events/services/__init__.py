"""State changes of programme events, one module per part: planning (create, joint sessions,
announce, approve, change, cancel), registrations (register, confirm, waiting list, cancel,
attendance, reminders, removing data after the event) and wrap-up. The names below are the
app's public service functions."""

from .planning import (
    event_announce,
    event_approve,
    event_cancel,
    event_create,
    event_update,
    joint_session_answer,
    joint_session_propose,
)
from .registrations import (
    attendance_record,
    event_reminders_send,
    registration_cancel,
    registration_closed_reason,
    registration_confirm,
    registration_member,
    registration_public_request,
    registrations_purge,
)
from .wrapup import event_wrap_up

__all__ = [
    "attendance_record",
    "event_announce",
    "event_approve",
    "event_cancel",
    "event_create",
    "event_reminders_send",
    "event_update",
    "event_wrap_up",
    "joint_session_answer",
    "joint_session_propose",
    "registration_cancel",
    "registration_closed_reason",
    "registration_confirm",
    "registration_member",
    "registration_public_request",
    "registrations_purge",
]
