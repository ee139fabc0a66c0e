"""State changes of signals. This first version records what a meeting's wrap-up passes on;
the venster adds the lifecycle (triage, themes, escalation, feedback) on top of it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.communities.models import Community
from leerkring.core.audit import audit
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import SUBTOPICS, SolutionLevel, TopicCategory

from .models import Signal

SIGNAL_FIELDS = ("title", "description", "topic_category", "subtopic", "solution_level")


def category_of_subtopic(subtopic: str) -> str | None:
    """The topic category a (Dutch) subtopic belongs to, or None for a free topic."""
    with translation.override("nl"):
        for category, subtopics in SUBTOPICS.items():
            if subtopic in {str(s) for s in subtopics}:
                return str(category)
    return None


def _apply(signal: Signal, fields: dict) -> None:
    for name in SIGNAL_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(signal, name, (value or "").strip() if isinstance(value, str) else value)
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


@transaction.atomic
def signal_create(*, community: Community, meeting: Meeting | None = None, by, **fields) -> Signal:
    """A signal the community passes on, usually named at the end of a meeting."""
    if meeting is not None and meeting.community_id != community.pk:
        raise ValidationError(_("De bijeenkomst hoort niet bij deze gemeenschap."))
    signal = Signal(
        community=community,
        meeting=meeting,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if meeting is not None:
        signal.raised_on = timezone.localtime(meeting.starts_at).date()
    _apply(signal, fields)
    signal.full_clean()
    signal.save()
    audit(actor=by, verb="signal.create", obj=signal, community_id=community.pk)
    return signal


@transaction.atomic
def signal_update(*, signal: Signal, by, **fields) -> Signal:
    _apply(signal, fields)
    signal.full_clean()
    signal.save()
    audit(actor=by, verb="signal.update", obj=signal, community_id=signal.community_id)
    return signal


@transaction.atomic
def signal_delete(*, signal: Signal, by) -> None:
    audit(
        actor=by,
        verb="signal.delete",
        obj=signal,
        community_id=signal.community_id,
        title=signal.title,
    )
    signal.delete()
