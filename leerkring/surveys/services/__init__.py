"""State changes for questionnaires, waves, invitations and responses, one module per part.
Every function validates, runs in one transaction and writes the audit (answering excepted:
see `responses`).

- `questionnaires`: questionnaires, sections, questions, options, statements, versions
- `waves`: waves, invitations, reminders, the open link
- `responses`: storing a respondent's answers
- `exports`: the audit record of an export

Callers use `from leerkring.surveys import services`; the names below are the public ones."""

from .exports import wave_export_record
from .questionnaires import (
    OTHER_LABEL,
    QUESTION_FIELDS,
    SAFE_WHEN_LOCKED,
    option_add,
    option_delete,
    option_move,
    option_update,
    question_add,
    question_delete,
    question_move,
    question_update,
    questionnaire_copy,
    questionnaire_create,
    questionnaire_new_version,
    questionnaire_update,
    section_add,
    section_delete,
    section_move,
    section_update,
    statement_add,
    statement_delete,
    statement_move,
    statement_update,
)
from .responses import (
    AnswerData,
    SurveyLinkError,
    form_key_hash,
    invitation_check_can_answer,
    invitation_exchange,
    invitation_for_form_key,
    response_submit,
    response_submit_open,
    wave_answering_state,
)
from .waves import (
    survey_reminders_send_due,
    survey_token_hash,
    wave_addresses_add,
    wave_create,
    wave_invitations_send,
    wave_mail_resend,
    wave_open_link_disable,
    wave_open_link_enable,
    wave_reminders_send,
    wave_update,
)

__all__ = [
    "AnswerData",
    "OTHER_LABEL",
    "QUESTION_FIELDS",
    "SAFE_WHEN_LOCKED",
    "SurveyLinkError",
    "option_add",
    "option_delete",
    "option_move",
    "option_update",
    "form_key_hash",
    "invitation_check_can_answer",
    "invitation_exchange",
    "invitation_for_form_key",
    "question_add",
    "question_delete",
    "question_move",
    "question_update",
    "questionnaire_copy",
    "questionnaire_create",
    "questionnaire_new_version",
    "questionnaire_update",
    "response_submit",
    "response_submit_open",
    "section_add",
    "section_delete",
    "section_move",
    "section_update",
    "statement_add",
    "statement_delete",
    "statement_move",
    "statement_update",
    "survey_reminders_send_due",
    "survey_token_hash",
    "wave_addresses_add",
    "wave_answering_state",
    "wave_create",
    "wave_export_record",
    "wave_invitations_send",
    "wave_mail_resend",
    "wave_open_link_disable",
    "wave_open_link_enable",
    "wave_reminders_send",
    "wave_update",
]
