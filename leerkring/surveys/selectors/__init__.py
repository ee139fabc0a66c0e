"""Reads for questionnaires, waves and results, one module per part.

- `questionnaires`: the respondent's form and its preview, questionnaire lists, problems
- `waves`: answer links, a programme's waves, response rates, waves for the results pages
- `home`: the lines of the home page's "Wat nu" (`surveys.apps` registers them)

Callers use `from leerkring.surveys import selectors`; the names below are the public ones."""

from .questionnaires import (
    CHOICE_KINDS,
    MULTI_KINDS,
    FormChoice,
    FormQuestion,
    FormSection,
    FormStatement,
    question_code_suggest,
    questionnaire_form,
    questionnaire_form_bind,
    questionnaire_is_locked,
    questionnaire_problems,
    questionnaire_templates,
    questionnaire_with_content,
    questionnaires_for_programme,
)
from .waves import (
    RATE_MIN_INVITEES,
    RateRow,
    WaveRates,
    invitation_for_token,
    programme_waves,
    wave_communities,
    wave_for_open_token,
    wave_for_results,
    wave_mail_progress,
    wave_response_rates,
    waves_for_comparison,
)

__all__ = [
    "CHOICE_KINDS",
    "FormChoice",
    "FormQuestion",
    "FormSection",
    "FormStatement",
    "MULTI_KINDS",
    "RATE_MIN_INVITEES",
    "RateRow",
    "WaveRates",
    "invitation_for_token",
    "programme_waves",
    "question_code_suggest",
    "questionnaire_form",
    "questionnaire_form_bind",
    "questionnaire_is_locked",
    "questionnaire_problems",
    "questionnaire_templates",
    "questionnaire_with_content",
    "questionnaires_for_programme",
    "wave_communities",
    "wave_for_open_token",
    "wave_for_results",
    "wave_mail_progress",
    "wave_response_rates",
    "waves_for_comparison",
]
