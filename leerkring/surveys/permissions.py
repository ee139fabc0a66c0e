"""Who may see or do what with questionnaires, waves, invitations and results.

Respondents need no account: their one-time link is their only key and it opens only their
own form. Questionnaires, waves and results are for the programme's evaluators and
coordinators (DESIGN.md §1); members never see anyone's answers, and results of groups
smaller than the programme's threshold are never shown (§2).
"""

from __future__ import annotations

from leerkring.communities.models import Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for

from .models import Questionnaire, Wave


def can_manage_surveys(user, programme: Programme) -> bool:
    """Design questionnaires and run waves: the evaluator's work."""
    return access_for(user).has_programme_role(programme.pk, EVALUATOR)


def can_view_surveys(user, programme: Programme) -> bool:
    """See waves, response rates and results: evaluators and coordinators."""
    return access_for(user).has_programme_role(programme.pk, EVALUATOR, COORDINATOR)


def can_view_questionnaire(user, questionnaire: Questionnaire) -> bool:
    if questionnaire.programme_id is None:
        # Built-in templates: any evaluator or coordinator may look at and copy them.
        return bool(access_for(user).programmes_with(EVALUATOR, COORDINATOR))
    return can_view_surveys(user, questionnaire.programme)


def can_edit_questionnaire(user, questionnaire: Questionnaire) -> bool:
    return questionnaire.programme_id is not None and can_manage_surveys(
        user, questionnaire.programme
    )


def can_manage_wave(user, wave: Wave) -> bool:
    return can_manage_surveys(user, wave.programme)


def can_view_results(user, wave: Wave) -> bool:
    return can_view_surveys(user, wave.programme)
