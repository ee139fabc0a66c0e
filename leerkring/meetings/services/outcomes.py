"""What a meeting yields, named at the wrap-up (report §5.1.3): lessons, agreements with
their status history, and the minutes sent round to the members."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.communities.models import Membership
from leerkring.core import emails, guard
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.meetings import selectors as meeting_selectors
from leerkring.meetings.models import Agreement, AgreementStatusChange, Lesson, Meeting
from leerkring.meetings.services.mail import meeting_mail_queue

LESSON_FIELDS = ("text", "learning_order", "influence_level", "shareable")


def _user_or_none(by):
    return by if getattr(by, "is_authenticated", False) else None


def _guard_shared_lesson(lesson: Lesson, *, shared_text: str | None, confirmed: bool) -> list:
    """A shareable lesson leaves the community (the programme's readers, the newsletter), so
    its text passes the personal-data guard whenever it becomes shareable or its shared text
    changes (DESIGN.md §2). `shared_text` is the text as it was shared before, if it was."""
    if not lesson.shareable or lesson.text == shared_text:
        return []
    return guard.check({"text": lesson.text}, confirmed=confirmed)


@transaction.atomic
def lesson_create(*, meeting: Meeting, by, guard_confirmed: bool = False, **fields) -> Lesson:
    """A lesson named at the wrap-up (report §5.1.3)."""
    lesson = Lesson(
        meeting=meeting, community_id=meeting.community_id, created_by=_user_or_none(by)
    )
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    lesson.text = clean_text(lesson.text).strip()
    lesson.full_clean()
    findings = _guard_shared_lesson(lesson, shared_text=None, confirmed=guard_confirmed)
    lesson.save()
    audit(
        actor=by,
        verb="lesson.create",
        obj=lesson,
        community_id=meeting.community_id,
        guard_findings=sorted({f.kind for f in findings}),
    )
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, by, guard_confirmed: bool = False, **fields) -> Lesson:
    stored = Lesson.objects.filter(pk=lesson.pk).values("text", "shareable").get()
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    lesson.text = clean_text(lesson.text).strip()
    lesson.full_clean()
    findings = _guard_shared_lesson(
        lesson,
        shared_text=stored["text"] if stored["shareable"] else None,
        confirmed=guard_confirmed,
    )
    lesson.save()
    audit(
        actor=by,
        verb="lesson.update",
        obj=lesson,
        community_id=lesson.community_id,
        guard_findings=sorted({f.kind for f in findings}),
    )
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson, by) -> None:
    audit(actor=by, verb="lesson.delete", obj=lesson, community_id=lesson.community_id)
    lesson.delete()


def _check_agreement_owner(*, community_id: int, owner: Membership | None) -> None:
    """Agreements are for current members of this community only (issue "Bad input")."""
    if owner is None or owner.community_id != community_id or not owner.is_active:
        raise ValidationError({"owner": _("Kies iemand die nu lid is van deze gemeenschap.")})


@transaction.atomic
def agreement_create(
    *,
    meeting: Meeting,
    by,
    text: str,
    owner: Membership | None,
    due_date: datetime.date | None = None,
) -> Agreement:
    """An open follow-up action; it comes back on the next agenda until it is done."""
    _check_agreement_owner(community_id=meeting.community_id, owner=owner)
    agreement = Agreement(
        meeting=meeting,
        community_id=meeting.community_id,
        text=clean_text(text).strip(),
        owner=owner,
        due_date=due_date,
        created_by=_user_or_none(by),
    )
    agreement.full_clean()
    agreement.save()
    audit(actor=by, verb="agreement.create", obj=agreement, community_id=meeting.community_id)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    by,
    text: str,
    owner: Membership | None,
    due_date: datetime.date | None = None,
    status: str | None = None,
) -> Agreement:
    # Compare with the stored owner: a form may already have put the new one on the instance.
    # Keeping an owner who has since left is fine; choosing one who is not a member is not.
    stored_owner_id = (
        Agreement.objects.filter(pk=agreement.pk).values_list("owner_id", flat=True).get()
    )
    if owner is None or owner.pk != stored_owner_id:
        _check_agreement_owner(community_id=agreement.community_id, owner=owner)
    agreement.text = clean_text(text).strip()
    agreement.owner = owner
    agreement.due_date = due_date
    agreement.full_clean(exclude=["status"])
    agreement.save(update_fields=["text", "owner", "due_date"])
    audit(actor=by, verb="agreement.update", obj=agreement, community_id=agreement.community_id)
    if status:
        # No-op when unchanged; compares with the locked row, not the instance.
        agreement_change_status(agreement=agreement, status=status, by=by)
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: Agreement, by) -> None:
    audit(
        actor=by,
        verb="agreement.delete",
        obj=agreement,
        community_id=agreement.community_id,
        text=agreement.text[:200],
    )
    agreement.delete()


@transaction.atomic
def agreement_change_status(*, agreement: Agreement, status: str, by) -> Agreement:
    """Open, done or dropped; every change is kept with who and when (issue §4). The row is
    locked so two people closing the same agreement leave one consistent history."""
    if status not in Agreement.Status.values:
        raise ValidationError({"status": _("Kies een geldige status.")})
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if current.status == status:
        agreement.status = status
        return agreement
    AgreementStatusChange.objects.create(
        agreement=current,
        old_status=current.status,
        new_status=status,
        changed_by=_user_or_none(by),
    )
    current.status = status
    current.save(update_fields=["status"])
    agreement.status = status
    audit(
        actor=by,
        verb="agreement.status",
        obj=current,
        community_id=current.community_id,
        status=status,
    )
    return agreement


# Minutes ---------------------------------------------------------------------------------


@transaction.atomic
def minutes_save(*, meeting: Meeting, minutes: str, by) -> Meeting:
    """Minutes are stored as typed (Markdown) and sanitised when shown (STYLE.md "Text")."""
    meeting.minutes = clean_text(minutes).strip()
    meeting.minutes_updated_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_updated_at"])
    audit(actor=by, verb="meeting.minutes", obj=meeting, community_id=meeting.community_id)
    return meeting


@transaction.atomic
def minutes_send(*, meeting: Meeting, by) -> int:
    """Queue the minutes for every current member with an e-mail address, one message each
    (no one sees another's address), in this transaction. Returns the number queued."""
    if not meeting.minutes.strip():
        raise ValidationError(_("Er is nog geen verslag om rond te sturen."))
    memberships = meeting_selectors.meeting_mail_recipients(meeting=meeting)
    meeting_url = settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.pk])
    messages = []
    # Members read the site's language, whatever language the sender browses in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Verslag: %(meeting)s") % {"meeting": meeting}
        for membership in memberships:
            messages.append(
                emails.email_build(
                    template="meetings/email/minutes",
                    context={
                        "meeting": meeting,
                        "community": meeting.community,
                        "person": membership.person,
                        "url": meeting_url,
                    },
                    subject=subject,
                    to=[membership.person.email],
                )
            )
    meeting.minutes_sent_at = timezone.now()
    meeting.save(update_fields=["minutes_sent_at"])
    audit(
        actor=by,
        verb="meeting.minutes_sent",
        obj=meeting,
        community_id=meeting.community_id,
        recipients=len(messages),
    )
    return meeting_mail_queue(messages, kind="minutes", meeting=meeting)


# Threads ---------------------------------------------------------------------------------
