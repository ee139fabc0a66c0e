"""Outcome: what participants report — the survey's yields, satisfaction and sharing questions
with the survey's own suppression, and the selected most-significant-change stories."""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.evaluation.models import ChangeStory
from leerkring.surveys import results as survey_results
from leerkring.surveys import satisfaction
from leerkring.surveys import stored_results as survey_stored_results
from leerkring.surveys.models import Wave

from .data import (
    SHARING_CODE,
    STORY_EXCERPT_CHARS,
    YIELDS_CODE,
    Period,
    Row,
    Story,
    SurveyQuestion,
    SurveyWave,
    with_widths,
)
from .output import local_date


def _waves(*, programme: Programme, period: Period) -> list[Wave]:
    return list(
        Wave.objects.filter(
            programme=programme, opens_on__lte=period.end, closes_on__gte=period.start
        )
        .select_related("programme__rule_profile", "questionnaire")
        .order_by("opens_on", "pk")
    )


def _satisfaction_code(programme: Programme) -> str:
    return getattr(programme.rule_profile, "monitor_satisfaction_question", "")


def _question_topics(programme: Programme) -> list[tuple[str, str]]:
    topics = [(YIELDS_CODE, _("Wat deelname heeft opgeleverd"))]
    code = _satisfaction_code(programme)
    if code:
        topics.append((code, _("Tevredenheid")))
    topics.append((SHARING_CODE, _("Delen in de eigen organisatie")))
    return topics


def _survey_questions(
    outcome: survey_results.WaveResults, topics: list[tuple[str, str]], satisfaction_code: str
) -> list[SurveyQuestion]:
    questions = []
    for code, topic in topics:
        found = outcome.question(code)
        if found is None:
            continue
        question = SurveyQuestion(
            topic=topic,
            code=found.code,
            text=found.text,
            n=found.n,
            hidden=found.hidden,
            is_multi=found.is_multi,
        )
        if not found.hidden:
            if found.is_matrix:
                # A matrix becomes the share that agrees (scale 1 and 2) per statement.
                for statement in found.statements:
                    agree = sum(c.count for c in statement.cells if c.code in ("1", "2"))
                    question.rows.append(
                        Row(
                            label=statement.text,
                            count=agree,
                            percent=survey_results.percent_half_up(agree, statement.n),
                            n=statement.n,
                        )
                    )
            else:
                question.rows = [
                    Row(label=r.label, count=r.count, percent=r.percent, n=found.n)
                    for r in found.rows
                ]
            with_widths(question.rows, by_percent=True)
        if code == satisfaction_code:
            # The monitor's own definition, so the two sections cannot disagree.
            judged = satisfaction.result_satisfaction(found)
            question.satisfied_percent = judged.percent if judged else None
        questions.append(question)
    return questions


def report_survey(
    *, programme: Programme, community: Community | None, period: Period
) -> list[SurveyWave]:
    """The survey's answers for the period, under the survey's own suppression: a community is
    shown only when `groups_to_hide` leaves it visible in that wave, and questions with too few
    respondents stay hidden (`wave_results`)."""
    topics = _question_topics(programme)
    found = []
    for wave in _waves(programme=programme, period=period):
        threshold = survey_results.group_threshold(wave.programme)
        item = SurveyWave(
            title=wave.title, opens_on=wave.opens_on, closes_on=wave.closes_on, threshold=threshold
        )
        found.append(item)
        if community is None:
            outcome = survey_stored_results.wave_results_stored(wave)
            if not outcome.total:
                item.state = "none"
                continue
            if outcome.total_hidden:
                item.state = "hidden"
                continue
        else:
            counts = survey_results.wave_group_counts(wave)
            if not counts.get(community.pk):
                item.state = "none"
                continue
            if community.pk in survey_results.groups_to_hide(counts, threshold):
                item.state = "hidden"
                continue
            try:
                outcome = survey_stored_results.wave_results_stored(wave, community_id=community.pk)
            except survey_results.GroupHidden:
                item.state = "hidden"
                continue
        item.respondents = (
            outcome.total
            if community is None
            else next(g.count for g in outcome.groups if g.pk == community.pk)
        )
        item.questions = _survey_questions(outcome, topics, _satisfaction_code(programme))
    return found


def report_stories(
    *, programme: Programme, community: Community | None, period: Period
) -> list[Story]:
    start, end = period.bounds()
    stories = ChangeStory.objects.filter(
        programme=programme, selected=True, created_at__gte=start, created_at__lt=end
    ).select_related("community")
    if community is not None:
        stories = stories.filter(community=community)
    tag_fields = ("tag_knowledge", "tag_relations", "tag_attitude", "tag_actions")
    found = []
    for story in stories.order_by("created_at", "pk"):
        tags = [
            str(ChangeStory._meta.get_field(name).verbose_name)
            for name in tag_fields
            if getattr(story, name)
        ]
        found.append(
            Story(
                title=story.title or Truncator(story.story).chars(60),
                excerpt=Truncator(story.story).chars(STORY_EXCERPT_CHARS),
                level=story.get_level_display() if story.level else "",
                tags=tags,
                community=story.community.name if story.community_id else "",
                told_on=local_date(story.created_at),
            )
        )
    return found
