"""Waves and their invitations: planning a wave, inviting members and extra addresses,
reminders, and the open link.

A wave's invitees get a personal one-time link. Only the sha256 of its token is stored, so
the database never holds a working link; a reminder therefore issues a fresh token (the
earlier link stops working, the e-mail says so).

The e-mails go through the outbox in the transaction that issues the token, sealed while they
wait (`secret`) and without address or invitation once delivered (`forget_recipient`): the
outbox adds nothing to what the invitation table says about who answered (docs/privacy.md).
A failed e-mail keeps its address and invitation, so it can be sent again with a fresh link."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Membership, Programme
from leerkring.core.audit import audit
from leerkring.core.emails import email_build
from leerkring.outbox import selectors as outbox_selectors
from leerkring.outbox import services as outbox
from leerkring.surveys import ballots, selectors
from leerkring.surveys.models import Invitation, Questionnaire, Wave


def survey_token_hash(token: str) -> str:
    """What the database keeps of a link's token: its sha256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _token_pair() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, survey_token_hash(token)


def _wave_check(
    *,
    programme: Programme,
    questionnaire: Questionnaire,
    opens_on: datetime.date,
    closes_on: datetime.date,
    communities,
) -> None:
    errors: dict[str, list[str]] = {}
    if questionnaire.programme_id != programme.pk:
        errors["questionnaire"] = [
            _("Kies een vragenlijst van dit programma (kopieer een sjabloon eerst).")
        ]
    else:
        problems = selectors.questionnaire_problems(questionnaire)
        if problems:
            errors["questionnaire"] = [
                _("Deze vragenlijst kan nog niet worden verstuurd:"),
                *problems,
            ]
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [_("De sluitingsdatum ligt vóór de openingsdatum.")]
    if any(c.programme_id != programme.pk for c in communities):
        errors["communities"] = [_("Kies alleen gemeenschappen van dit programma.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wave_create(
    *,
    programme: Programme,
    questionnaire: Questionnaire,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    communities=(),
    emails: list[str] = (),
    reminder_every_days: int | None = None,
    by,
) -> Wave:
    communities = list(communities)
    _wave_check(
        programme=programme,
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        communities=communities,
    )
    wave = Wave(
        programme=programme,
        questionnaire=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_every_days=reminder_every_days,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    wave.full_clean()
    wave.save()
    wave.communities.set(communities)
    added = wave_addresses_add(wave=wave, emails=emails, by=by) if emails else 0
    audit(actor=by, verb="wave.create", obj=wave, title=title, addresses=added)
    return wave


@transaction.atomic
def wave_update(
    *,
    wave: Wave,
    questionnaire: Questionnaire,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    communities=(),
    reminder_every_days: int | None = None,
    by,
) -> Wave:
    """Change a wave. Its questionnaire is fixed once anyone answered: the answers belong to
    the questions they were given to."""
    communities = list(communities)
    answered = wave.responses.exists() or ballots.wave_has_pending(wave)
    if questionnaire.pk != wave.questionnaire_id and answered:
        raise ValidationError(
            {
                "questionnaire": _(
                    "Er zijn al antwoorden gegeven; de vragenlijst van deze meetronde kan niet "
                    "meer veranderen."
                )
            }
        )
    _wave_check(
        programme=wave.programme,
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        communities=communities,
    )
    wave.questionnaire = questionnaire
    wave.title = title
    wave.opens_on = opens_on
    wave.closes_on = closes_on
    wave.reminder_every_days = reminder_every_days
    wave.full_clean()
    wave.save()
    wave.communities.set(communities)
    audit(actor=by, verb="wave.update", obj=wave, title=title)
    return wave


def wave_addresses_add(*, wave: Wave, emails: list[str], by) -> int:
    """Invite stakeholders by address (no community). Addresses already invited are merged;
    returns how many are new. The placeholder token hash is of a token nobody knows: the
    invitation gets a working link only when it is sent."""
    existing = set(wave.invitations.values_list("email", flat=True))
    new = []
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        if email in existing:
            continue
        new.append(Invitation(wave=wave, email=email, token_hash=_token_pair()[1]))
    with transaction.atomic():
        Invitation.objects.bulk_create(new)
        if new:
            audit(actor=by, verb="wave.addresses_add", obj=wave, count=len(new))
    return len(new)


def _wave_members_new(wave: Wave) -> list[Invitation]:
    """An invitation (not yet saved) for every active member (with an e-mail address) of the
    wave's communities not yet invited. Someone in two of the chosen communities gets one
    invitation without a community: the form then asks which one they answer for."""
    memberships = (
        Membership.objects.active()
        .filter(community__in=wave.communities.all(), person__email__isnull=False)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    people: dict[int, tuple] = {}
    for membership in memberships:
        person = membership.person
        if person.pk in people and people[person.pk][1] != membership.community_id:
            people[person.pk] = (person, None)
        else:
            people.setdefault(person.pk, (person, membership.community_id))
    existing = set(wave.invitations.values_list("email", flat=True))
    new = []
    for person, community_id in people.values():
        email = person.email.strip().lower()
        if email in existing:
            continue
        existing.add(email)
        new.append(
            Invitation(
                wave=wave,
                person=person,
                email=email,
                community_id=community_id,
                token_hash=_token_pair()[1],
            )
        )
    return new


def _wave_members_invite(wave: Wave) -> int:
    new = _wave_members_new(wave)
    Invitation.objects.bulk_create(new)
    return len(new)


def wave_invitations_count(*, wave: Wave) -> int:
    """How many invitations `wave_invitations_send` would send now: new members and every
    invitation not yet sent. The confirmation before sending states this number."""
    return len(_wave_members_new(wave)) + wave.invitations.filter(sent_at__isnull=True).count()


def _survey_email(*, invitation: Invitation, token: str, reminder: bool):
    wave = invitation.wave
    context = {
        "wave": wave,
        "questionnaire": wave.questionnaire,
        "programme": wave.programme,
        "person": invitation.person,
        "community": invitation.community,
        "url": settings.SITE_URL + reverse("surveys:respond", args=[token]),
        "reminder": reminder,
    }
    if reminder:
        subject = _("Herinnering: vragenlijst %(title)s") % {"title": wave.title}
    else:
        subject = _("Vragenlijst %(title)s: wil je meedoen?") % {"title": wave.title}
    return email_build(
        template="surveys/email/invitation", context=context, subject=subject, to=[invitation.email]
    )


INVITATION_KIND = "surveys.invitation"
REMINDER_KIND = "surveys.reminder"


def _survey_mail_queue(wave: Wave, sends: list[tuple[Invitation, str]], *, reminder: bool) -> int:
    """Queue one e-mail per (invitation, fresh token) in the caller's transaction."""
    return outbox.emails_queue(
        [
            _survey_email(invitation=invitation, token=token, reminder=reminder)
            for invitation, token in sends
        ],
        kind=REMINDER_KIND if reminder else INVITATION_KIND,
        scope=wave,
        references=[f"surveys.invitation:{invitation.pk}" for invitation, _token in sends],
        secret=True,
        forget_recipient=True,
    )


def _wave_must_be_open(wave: Wave) -> None:
    if timezone.localdate() > wave.closes_on:
        raise ValidationError(_("Deze meetronde is gesloten; er gaat niets meer uit."))


@transaction.atomic
def wave_invitations_send(*, wave: Wave, by) -> int:
    """Invite every member of the chosen communities and every address on the list who has
    not had an invitation yet. Sending again reaches only the new ones."""
    _wave_must_be_open(wave)
    _wave_members_invite(wave)
    now = timezone.now()
    sends = []
    pending = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(wave=wave, sent_at__isnull=True)
        .select_related("person", "community", "wave__questionnaire", "wave__programme")
    )
    for invitation in pending:
        token, invitation.token_hash = _token_pair()
        invitation.sent_at = now
        sends.append((invitation, token))
        invitation.save(update_fields=["token_hash", "sent_at"])
    if sends:
        audit(actor=by, verb="wave.invitations_send", obj=wave, count=len(sends))
    return _survey_mail_queue(wave, sends, reminder=False)


def _remind(wave: Wave, invitations, *, by, now) -> int:
    sends = []
    for invitation in invitations:
        token, invitation.token_hash = _token_pair()
        invitation.reminded_at = now
        invitation.reminder_count += 1
        sends.append((invitation, token))
        invitation.save(update_fields=["token_hash", "reminded_at", "reminder_count"])
    if sends:
        audit(actor=by, verb="wave.reminders_send", obj=wave, count=len(sends))
    return _survey_mail_queue(wave, sends, reminder=True)


def _unanswered(wave: Wave, *, lock: bool = True) -> list[Invitation]:
    """Sent and not answered: neither released into the results (`answered`) nor waiting
    for a batch (their ballot, `surveys.ballots`)."""
    invitations = Invitation.objects.filter(wave=wave, answered=False, sent_at__isnull=False)
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitations = list(
        invitations.select_related("person", "community", "wave__questionnaire", "wave__programme")
    )
    waiting = ballots.pending_invitation_ids(invitations)
    return [invitation for invitation in invitations if invitation.pk not in waiting]


@transaction.atomic
def wave_reminders_send(*, wave: Wave, by) -> int:
    """Remind, on the evaluator's request, everyone invited who has not answered yet. Never
    once the wave has closed, and not before it opens."""
    _wave_must_be_open(wave)
    if timezone.localdate() < wave.opens_on:
        raise ValidationError(_("Deze meetronde is nog niet open."))
    return _remind(wave, _unanswered(wave), by=by, now=timezone.now())


def wave_reminders_count(*, wave: Wave) -> int:
    """How many reminders `wave_reminders_send` would send now, for its confirmation."""
    return len(_unanswered(wave, lock=False))


def survey_reminders_send_due(*, today: datetime.date | None = None) -> int:
    """The scheduled reminders (`send_survey_reminders`, daily): for every open wave with
    `reminder_every_days`, remind non-answerers whose last e-mail is at least that old."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    waves = Wave.objects.filter(
        reminder_every_days__gt=0, opens_on__lte=today, closes_on__gte=today
    ).select_related("questionnaire", "programme")
    for wave in waves:
        cutoff = now - datetime.timedelta(days=wave.reminder_every_days)
        with transaction.atomic():
            due = [
                invitation
                for invitation in _unanswered(wave)
                if (invitation.reminded_at or invitation.sent_at) <= cutoff
            ]
            sent += _remind(wave, due, by=None, now=now)
    return sent


@transaction.atomic
def wave_mail_resend(*, wave: Wave, by) -> int:
    """ "Opnieuw versturen naar wie het niet kreeg": every invitation or reminder that failed
    goes out again with a fresh link, to those who still have not answered. The failed rows
    (which hold the address) are removed; the new ones forget it once delivered. The invitation
    table is not touched beyond the token, so resending records nothing new about anyone.
    Returns how many were queued again."""
    failed = outbox_selectors.failed_messages(wave, kinds=(INVITATION_KIND, REMINDER_KIND))
    kind_of: dict[int, str] = {}
    for kind, reference in failed.values_list("kind", "reference"):
        prefix, _sep, pk = reference.partition(":")
        # An invitation and a later reminder both failed: one e-mail, the reminder.
        if (
            prefix == "surveys.invitation"
            and pk.isdigit()
            and kind_of.get(int(pk)) != REMINDER_KIND
        ):
            kind_of[int(pk)] = kind
    still_open = {invitation.pk: invitation for invitation in _unanswered(wave)}
    sends: dict[str, list[tuple[Invitation, str]]] = {INVITATION_KIND: [], REMINDER_KIND: []}
    for pk, kind in sorted(kind_of.items()):
        invitation = still_open.get(pk)
        if invitation is None:
            continue
        token, invitation.token_hash = _token_pair()
        invitation.save(update_fields=["token_hash"])
        sends[kind].append((invitation, token))
    failed.delete()
    count = _survey_mail_queue(wave, sends[INVITATION_KIND], reminder=False)
    count += _survey_mail_queue(wave, sends[REMINDER_KIND], reminder=True)
    if count:
        audit(actor=by, verb="wave.mail_resent", obj=wave, count=count)
    return count


@transaction.atomic
def wave_open_link_enable(*, wave: Wave, by) -> str:
    """A new open link for the whole wave (any earlier open link stops working). The token is
    returned once to show; only its hash is kept."""
    token, wave.open_link_token_hash = _token_pair()
    wave.save(update_fields=["open_link_token_hash"])
    audit(actor=by, verb="wave.open_link_enable", obj=wave)
    return token


@transaction.atomic
def wave_open_link_disable(*, wave: Wave, by) -> None:
    wave.open_link_token_hash = ""
    wave.save(update_fields=["open_link_token_hash"])
    audit(actor=by, verb="wave.open_link_disable", obj=wave)
