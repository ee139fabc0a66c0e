"""State changes of the evaluation app: observations (Bijlage 4) and most-significant-change
stories (Bijlage 3, §4.1), validated, transactional, audited. Observations are audited without a
community id: they are the evaluator's notes and stay out of the community's own history. The
monitor and the reports only read (`monitor`, `reports`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core import guard
from leerkring.core.audit import audit
from leerkring.evaluation.models import (
    ChangeStory,
    Observation,
    ObservationAnswer,
    ObservationQuestion,
    ObservationTemplate,
    StoryInvitation,
)
from leerkring.evaluation.prefill import meeting_prefill
from leerkring.meetings.models import Meeting

STORY_TEXT_MAX = 5000


@dataclass(frozen=True)
class ObservationAnswerInput:
    """What the observer wrote for one question."""

    question_id: int
    text: str = ""
    wrapup_answers: str = ""


def observation_check_meeting(*, meeting: Meeting, now=None) -> None:
    """A meeting can be observed once it has begun (an observer may write during it), and
    not when it was cancelled."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Deze bijeenkomst is afgelast. Die kun je niet observeren."))
    if meeting.starts_at > now:
        raise ValidationError(
            _("Een bijeenkomst die nog moet plaatsvinden kun je nog niet observeren.")
        )


def _observation_answers_save(
    *, observation: Observation, answers: list[ObservationAnswerInput]
) -> None:
    question_ids = set(
        ObservationQuestion.objects.filter(template_id=observation.template_id).values_list(
            "pk", flat=True
        )
    )
    existing = {answer.question_id: answer for answer in observation.answers.all()}
    new, changed = [], []
    for item in answers:
        if item.question_id not in question_ids:
            raise ValidationError(_("Deze vraag hoort niet bij het observatieschema."))
        text, wrapup = item.text.strip(), item.wrapup_answers.strip()
        answer = existing.get(item.question_id)
        if answer is None:
            if text or wrapup:
                new.append(
                    ObservationAnswer(
                        observation=observation,
                        question_id=item.question_id,
                        text=text,
                        wrapup_answers=wrapup,
                    )
                )
        elif (answer.text, answer.wrapup_answers) != (text, wrapup):
            answer.text, answer.wrapup_answers = text, wrapup
            changed.append(answer)
    ObservationAnswer.objects.bulk_create(new)
    ObservationAnswer.objects.bulk_update(changed, ["text", "wrapup_answers"])


@transaction.atomic
def observation_create(
    *,
    meeting: Meeting,
    template: ObservationTemplate,
    by,
    answers: list[ObservationAnswerInput] = (),
    atmosphere: str = "",
    roles: str = "",
    reactions: str = "",
    quotes: str = "",
) -> Observation:
    """Attach an observation to a meeting, with a snapshot of what the meeting knew."""
    observation_check_meeting(meeting=meeting)
    if template.programme_id not in (None, meeting.community.programme_id):
        raise ValidationError({"template": _("Kies een observatieschema van dit programma.")})
    observation = Observation(
        meeting=meeting,
        template=template,
        observer=by if getattr(by, "is_authenticated", False) else None,
        prefill=meeting_prefill(meeting),
        atmosphere=atmosphere.strip(),
        roles=roles.strip(),
        reactions=reactions.strip(),
        quotes=quotes.strip(),
    )
    # The observer may be gone (account removed); the notes stay.
    observation.full_clean(exclude=["observer"])
    observation.save()
    _observation_answers_save(observation=observation, answers=list(answers))
    audit(actor=by, verb="observation.create", obj=observation, meeting_id=meeting.pk)
    return observation


@transaction.atomic
def observation_update(
    *,
    observation: Observation,
    by,
    answers: list[ObservationAnswerInput] = (),
    atmosphere: str = "",
    roles: str = "",
    reactions: str = "",
    quotes: str = "",
    refresh_prefill: bool = False,
) -> Observation:
    """Save the observer's notes. The snapshot is only taken again on request: what the
    meeting knew on the day is part of the observation."""
    observation.atmosphere = atmosphere.strip()
    observation.roles = roles.strip()
    observation.reactions = reactions.strip()
    observation.quotes = quotes.strip()
    if refresh_prefill:
        observation.prefill = meeting_prefill(observation.meeting)
    # The observer may be gone (account removed); the notes stay.
    observation.full_clean(exclude=["observer"])
    observation.save()
    _observation_answers_save(observation=observation, answers=list(answers))
    audit(actor=by, verb="observation.update", obj=observation, refresh_prefill=refresh_prefill)
    return observation


@transaction.atomic
def observation_template_copy(
    *, template: ObservationTemplate, programme: Programme, by
) -> ObservationTemplate:
    """A programme's own copy of a template, to adapt its questions."""
    if template.programme_id not in (None, programme.pk):
        raise ValidationError(_("Je kunt alleen sjablonen van dit programma kopiëren."))
    copy = ObservationTemplate.objects.create(
        programme=programme,
        title=_("%(title)s (kopie)") % {"title": template.title},
        key="",
    )
    ObservationQuestion.objects.bulk_create(
        ObservationQuestion(
            template=copy,
            position=question.position,
            number=question.number,
            question=question.question,
            frame=question.frame,
            measure=question.measure,
            wrapup_question=question.wrapup_question,
            prefill=question.prefill,
        )
        for question in template.questions.order_by("position", "pk")
    )
    audit(actor=by, verb="observation_template.copy", obj=copy, source_id=template.pk)
    return copy


@dataclass(frozen=True)
class ObservationQuestionInput:
    """One row of the template editor: `pk` None for a new question."""

    pk: int | None
    number: str
    question: str
    frame: str = ""
    measure: str = ""
    wrapup_question: str = ""
    prefill: str = ""
    delete: bool = False


@transaction.atomic
def observation_template_update(
    *, template: ObservationTemplate, by, title: str, questions: list[ObservationQuestionInput]
) -> ObservationTemplate:
    """Rename the template and change, add or remove its questions, in the given order.
    A question already answered in an observation stays: those notes must stay readable."""
    if template.programme_id is None:
        raise ValidationError(_("Het ingebouwde schema kun je niet aanpassen. Maak een kopie."))
    template.title = title.strip()
    template.full_clean()
    template.save()
    own = {q.pk: q for q in template.questions.all()}
    answered = set(
        ObservationAnswer.objects.filter(question__template=template).values_list(
            "question_id", flat=True
        )
    )
    errors = []
    position = 0
    for item in questions:
        if item.pk is not None and item.pk not in own:
            raise ValidationError(_("Deze vraag hoort niet bij dit schema."))
        if item.delete:
            if item.pk is None:
                continue
            if item.pk in answered:
                errors.append(
                    _(
                        "Vraag %(number)s is al beantwoord in een observatie en kan niet weg. "
                        "Haal het vinkje bij die vraag weg."
                    )
                    % {"number": own[item.pk].number}
                )
                continue
            own[item.pk].delete()
            continue
        question = own.get(item.pk) or ObservationQuestion(template=template)
        question.position = position
        question.number = item.number.strip()
        question.question = item.question.strip()
        question.frame = item.frame.strip()
        question.measure = item.measure.strip()
        question.wrapup_question = item.wrapup_question.strip()
        question.prefill = item.prefill
        question.full_clean()
        question.save()
        position += 1
    if errors:
        raise ValidationError(errors)
    audit(actor=by, verb="observation_template.update", obj=template)
    return template


def story_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def story_invitation_create(
    *, programme: Programme, title: str, by, community: Community | None = None
) -> tuple[StoryInvitation, str]:
    """A link to collect stories. The token is returned once, to show; only its hash is
    kept, so a leaked database does not open the form."""
    if community is not None and community.programme_id != programme.pk:
        raise ValidationError({"community": _("Kies een gemeenschap van dit programma.")})
    token = secrets.token_urlsafe(24)
    invitation = StoryInvitation(
        programme=programme,
        community=community,
        title=title.strip(),
        token_hash=story_token_hash(token),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    invitation.full_clean(exclude=["created_by"])
    invitation.save()
    audit(actor=by, verb="story_invitation.create", obj=invitation)
    return invitation, token


@transaction.atomic
def story_invitation_set_open(*, invitation: StoryInvitation, is_open: bool, by) -> None:
    invitation.is_open = is_open
    invitation.save(update_fields=["is_open"])
    audit(
        actor=by,
        verb="story_invitation.open" if is_open else "story_invitation.close",
        obj=invitation,
    )


def _story_validate(story: ChangeStory) -> None:
    if not story.story.strip():
        raise ValidationError({"story": _("Vertel over de verandering.")})
    if len(story.story) > STORY_TEXT_MAX:
        raise ValidationError({"story": _("Houd het verhaal korter dan 5000 tekens.")})
    if story.community_id and story.community.programme_id != story.programme_id:
        raise ValidationError({"community": _("Kies een gemeenschap van dit programma.")})
    story.full_clean()


class StoryLinkClosed(Exception):
    """The link was closed between opening the form and sending it."""


@transaction.atomic
def story_submit(
    *,
    invitation: StoryInvitation,
    teller: str,
    story: str,
    why_significant: str = "",
    title: str = "",
    community: Community | None = None,
) -> ChangeStory:
    """A story told through a link. Nothing about the teller is kept but their kind
    (participant, manager, partner, other): the story may travel into reports."""
    invitation = StoryInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise StoryLinkClosed
    if invitation.community_id:
        community = invitation.community
    change = ChangeStory(
        programme_id=invitation.programme_id,
        community=community,
        invitation=invitation,
        teller=teller,
        source=ChangeStory.Source.LINK,
        title=title.strip(),
        story=story.strip(),
        why_significant=why_significant.strip(),
    )
    _story_validate(change)
    change.save()
    audit(actor=None, verb="change_story.submit", obj=change, invitation_id=invitation.pk)
    return change


@transaction.atomic
def story_interview_create(
    *,
    programme: Programme,
    by,
    teller: str,
    story: str,
    why_significant: str = "",
    title: str = "",
    community: Community | None = None,
) -> ChangeStory:
    """A story the evaluator wrote down in an interview."""
    change = ChangeStory(
        programme=programme,
        community=community,
        teller=teller,
        source=ChangeStory.Source.INTERVIEW,
        title=title.strip(),
        story=story.strip(),
        why_significant=why_significant.strip(),
        entered_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _story_validate(change)
    change.save()
    audit(actor=by, verb="change_story.interview", obj=change)
    return change


def story_texts(story: ChangeStory) -> dict[str, str]:
    """The texts of a story that leave the evaluation when it is shared."""
    return {"title": story.title, "story": story.story, "why_significant": story.why_significant}


@transaction.atomic
def story_classify(
    *,
    story: ChangeStory,
    by,
    tag_knowledge: bool,
    tag_relations: bool,
    tag_attitude: bool,
    tag_actions: bool,
    level: str,
    selected: bool,
    shareable: bool,
    guard_confirmed: bool = False,
) -> ChangeStory:
    """The evaluator's reading of a story (report §4.1). Only a selected story can be
    shareable: the newsletter takes the stories the evaluator chose, not every story sent.
    Sharing runs the personal-data guard: with findings, it needs `guard_confirmed`."""
    if shareable and not selected:
        raise ValidationError(
            {
                "shareable": _(
                    "Selecteer het verhaal eerst; alleen geselecteerde verhalen worden gedeeld."
                )
            }
        )
    if shareable and not story.shareable:
        guard.check(story_texts(story), confirmed=guard_confirmed)
    story.tag_knowledge = tag_knowledge
    story.tag_relations = tag_relations
    story.tag_attitude = tag_attitude
    story.tag_actions = tag_actions
    story.level = level
    story.selected = selected
    story.shareable = shareable
    story.full_clean()
    story.save()
    audit(
        actor=by,
        verb="change_story.classify",
        obj=story,
        level=level,
        selected=selected,
        shareable=shareable,
    )
    return story


@transaction.atomic
def story_delete(*, story: ChangeStory, by) -> None:
    """Remove a story that does not belong (spam through the open link, a double entry)."""
    audit(actor=by, verb="change_story.delete", obj=story)
    story.delete()
