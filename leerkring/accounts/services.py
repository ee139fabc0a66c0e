"""Invitations and programme roles.

The invitation e-mail goes through the outbox like all mail, queued in the transaction that
creates the invitation. Its one-time link is in the outbox row only until the row is finished:
the row is marked `secret`, so its content is cleared once sent (docs/privacy.md).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities import services as community_services
from leerkring.communities.models import Community, Membership, Organisation, Person, Programme
from leerkring.core.audit import audit
from leerkring.core.models import AuditEvent
from leerkring.core.personal_data import erase_personal_data
from leerkring.outbox.services import emails_queue

from .models import Invitation, ProgrammeRole, User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_account(person: Person) -> bool:
    """Whether the person can sign in already (an invitation then asks only to accept)."""
    return bool(person.user_id and person.user.has_usable_password())


def _queue_invitation_email(
    *, invitation: Invitation, token: str, programme_role: ProgrammeRole | None = None
) -> None:
    context = {
        "invitation": invitation,
        "person": invitation.person,
        "name": invitation.invited_name or invitation.person.full_name,
        "joins": bool(invitation.role),
        "has_account": has_account(invitation.person),
        "inviter": invitation.invited_by,
        "community": invitation.community,
        "programme_role": programme_role,
        "expires_at": invitation.expires_at,
        "url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token]),
        "login_url": settings.SITE_URL + reverse("accounts:login"),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    if invitation.community is not None:
        subject = _("Uitnodiging voor %(community)s op Leerkring") % {
            "community": invitation.community.name
        }
    else:
        subject = _("Uitnodiging voor Leerkring")
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    emails_queue(
        [message],
        kind="accounts.invitation",
        scope=invitation.community,
        references=[f"accounts.invitation:{invitation.pk}"],
        secret=True,
    )


@transaction.atomic
def invitation_create(
    *,
    person: Person,
    by: Any,
    community: Community | None = None,
    programme_role: ProgrammeRole | None = None,
    role: str = "",
    organisation: Organisation | None = None,
    job_title: str = "",
    invited_name: str = "",
) -> tuple[Invitation, str]:
    """Invite a person to set a password — or, with `role`, to join `community` in that role,
    which happens only when they accept (with or without an account). Earlier open
    invitations of the same kind are revoked, so only the newest link works.
    `programme_role` only tells the e-mail what the invitation is for."""
    if not person.email:
        raise ValidationError({"email": _("Deze persoon heeft geen e-mailadres.")})
    if not role and has_account(person):
        raise ValidationError({"email": _("%(name)s heeft al een account.") % {"name": person}})
    now = timezone.now()
    earlier = Invitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if role:
        earlier = earlier.filter(community=community)
    earlier.update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    by_person = getattr(by, "person", None) if getattr(by, "is_authenticated", False) else None
    invitation = Invitation.objects.create(
        person=person,
        email=person.email,
        token_hash=token_hash(token),
        invited_by=by_person,
        community=community,
        role=role,
        organisation=organisation,
        job_title=job_title,
        invited_name=invited_name,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit(
        actor=by,
        verb="invitation.sent",
        obj=invitation,
        community_id=community.pk if community else None,
        email=person.email,
    )
    _queue_invitation_email(invitation=invitation, token=token, programme_role=programme_role)
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("person", "community__programme", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("Deze uitnodiging is verlopen of al gebruikt."))
    person = invitation.person
    user = person.user
    if user is None:
        user = User.objects.filter(email=invitation.email).first() or User(email=invitation.email)
    if user.pk and not user.is_active:
        # A switched-off account stays off: only the administrator turns it back on.
        raise ValidationError(
            _("Dit account is uitgeschakeld. Neem contact op met het coördinatiepunt.")
        )
    user.set_password(password)
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(actor=user, verb="invitation.accepted", obj=invitation)
    _join(invitation, by=user)
    return user


def _join(invitation: Invitation, *, by: Any) -> Membership | None:
    """The membership an accepted invitation promised (none for a plain account invitation,
    or when the person became a member some other way meanwhile)."""
    if not invitation.role or invitation.community is None:
        return None
    if (
        Membership.objects.active()
        .filter(community=invitation.community, person=invitation.person)
        .exists()
    ):
        return None
    return community_services.membership_add(
        community=invitation.community,
        person=invitation.person,
        by=by,
        role=invitation.role,
        organisation=invitation.organisation,
    )


@transaction.atomic
def invitation_join(*, token: str) -> Membership | None:
    """Accept an invitation to a community for someone who already has an account: they
    become a member now, with the role the invitation names."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("person__user", "community")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable or not invitation.role:
        raise ValidationError(_("Deze uitnodiging is verlopen of al gebruikt."))
    user = invitation.person.user
    if user is None or not user.is_active:
        raise ValidationError(
            _("Dit account is uitgeschakeld. Neem contact op met het coördinatiepunt.")
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(actor=user, verb="invitation.accepted", obj=invitation)
    return _join(invitation, by=user)


@transaction.atomic
def member_invite(
    *,
    community: Community,
    email: str,
    full_name: str,
    by: Any,
    role: str = Membership.Role.PARTICIPANT,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Invitation:
    """Invite someone to join a community. They become a member only when they accept the
    invitation. What the inviter sees is the same for every address — whether it has an
    account, in this programme or another: no stored name, no "can sign in at once"."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Kies een van de rollen uit de lijst.")})
    person = community_services.person_for_email(
        email=email, full_name=full_name, organisation=organisation, job_title=job_title
    )
    if Membership.objects.active().filter(community=community, person=person).exists():
        raise ValidationError(
            {"email": _("%(email)s is al lid van deze gemeenschap.") % {"email": email}}
        )
    invitation, _token = invitation_create(
        person=person,
        by=by,
        community=community,
        role=role,
        organisation=organisation,
        job_title=job_title,
        invited_name=full_name.strip(),
    )
    return invitation


@transaction.atomic
def programme_role_assign(
    *,
    programme: Programme,
    email: str,
    full_name: str,
    role: str,
    by: Any,
    organisation: Organisation | None = None,
) -> ProgrammeRole:
    if role not in ProgrammeRole.Role.values:
        raise ValidationError({"role": _("Kies een van de rollen uit de lijst.")})
    person = community_services.person_for_email(
        email=email, full_name=full_name, organisation=organisation
    )
    if ProgrammeRole.objects.filter(person=person, programme=programme, role=role).exists():
        raise ValidationError({"email": _("%(name)s heeft deze rol al.") % {"name": person}})
    programme_role = ProgrammeRole.objects.create(person=person, programme=programme, role=role)
    audit(
        actor=by, verb="programme_role.assigned", obj=programme_role, role=role, person=str(person)
    )
    if person.user_id is None or not person.user.has_usable_password():
        invitation_create(person=person, by=by, programme_role=programme_role)
    return programme_role


@transaction.atomic
def programme_role_revoke(*, programme_role: ProgrammeRole, by: Any) -> None:
    if programme_role.role == ProgrammeRole.Role.COORDINATOR:
        # Lock all coordinator rows of the programme, so two coordinators removing each other
        # at the same moment cannot leave the programme without one.
        coordinators = list(
            ProgrammeRole.objects.select_for_update()
            .filter(programme=programme_role.programme_id, role=ProgrammeRole.Role.COORDINATOR)
            .values_list("pk", flat=True)
        )
        if not set(coordinators) - {programme_role.pk}:
            raise ValidationError(_("Een programma houdt minstens één coördinator."))
    audit(
        actor=by,
        verb="programme_role.revoked",
        obj=programme_role,
        role=programme_role.role,
        person=str(programme_role.person),
    )
    programme_role.delete()


# --- Mijn gegevens: password and sessions -------------------------------------------------


@transaction.atomic
def password_change(*, user: User, password: str, keep_session_key: str | None) -> None:
    """Set a new password. Every other session of the account ends (Django stops honouring
    them, and they are removed from the list); the caller keeps its own session."""
    user.set_password(password)
    user.save(update_fields=["password"])
    others = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "")
    get_adapter().end_sessions(list(others))
    audit(actor=user, verb="account.password_changed", obj=user)


def session_end(*, session: UserSession, by: User) -> None:
    """End one of the person's own sessions (a browser left signed in elsewhere)."""
    if session.user_id != by.pk:
        raise ValidationError(_("Deze sessie is niet van jou."))
    get_adapter().end_sessions([session])
    audit(actor=by, verb="account.session_ended", obj=by)


# --- Leaving Leerkring (AVG art. 17) ------------------------------------------------------


def _erased_address(user: User) -> str:
    # The address must stay unique and must never reach anyone.
    return f"oud-lid-{user.pk}@leerkring.invalid"


def erase_blockers(*, user: User) -> list[str]:
    """Why this account cannot be erased yet: a programme keeps at least one coordinator."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    blockers = []
    for role in ProgrammeRole.objects.filter(
        person=person, role=ProgrammeRole.Role.COORDINATOR
    ).select_related("programme"):
        others = ProgrammeRole.objects.filter(
            programme=role.programme_id, role=ProgrammeRole.Role.COORDINATOR
        ).exclude(person=person)
        if not others.exists():
            blockers.append(
                _(
                    "Je bent de enige coördinator van %(programme)s. Laat eerst iemand anders "
                    "coördinator worden."
                )
                % {"programme": role.programme.name}
            )
    return blockers


@transaction.atomic
def account_erase(*, user: User, by: Any) -> None:
    """Someone leaves Leerkring: every app removes or anonymises what it keeps about them
    (core.personal_data), their person record becomes "Oud-lid" so the communities keep their
    history (attendance counts, who agreed to what, messages in a thread), and the account can
    no longer be used. The audit history keeps a record that it happened, without the name."""
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = erase_blockers(user=user)
    if blockers:
        raise ValidationError(blockers)
    person = Person.objects.filter(user=user).first()
    former_email = user.email
    former_name = person.full_name if person is not None else None
    erase_personal_data(person=person, user=user, by=by)
    # Earlier history entries that named the person by address or name.
    for event in AuditEvent.objects.filter(
        Q(data__email=former_email) | Q(data__person=former_name)
        if former_name
        else Q(data__email=former_email)
    ):
        event.data = {
            key: (
                community_services.FORMER_MEMBER if value in (former_email, former_name) else value
            )
            for key, value in event.data.items()
        }
        event.save(update_fields=["data"])
    audit(actor=None, verb="account.erased", obj=user)


def personal_data_erase(*, person, user, by) -> None:
    """The accounts app's part: second factors, sessions, organisation accounts, programme
    roles and invitations go; the account stays as an unusable, anonymous row so history that
    points at it still resolves."""
    if person is not None:
        Invitation.objects.filter(person=person).delete()
        for role in ProgrammeRole.objects.filter(person=person):
            audit(actor=by, verb="programme_role.revoked", obj=role, role=role.role)
            role.delete()
    if user is None:
        return
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    get_adapter().end_sessions(list(UserSession.objects.filter(user=user)))
    user.email = _erased_address(user)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


# --- Retention (core.retention) -----------------------------------------------------------


def invitations_remove_ended(cutoff: datetime.datetime) -> int:
    """Invitations that were accepted, replaced or expired before `cutoff`: the address and
    who invited whom are no longer needed (the audit history says an invitation was sent)."""
    ended = Invitation.objects.filter(
        Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )
    count, _deleted = ended.delete()
    return count


def sign_in_records_remove(cutoff: datetime.datetime) -> int:
    """Failed and successful sign-ins recorded by django-axes (address, client, browser), and
    the list of sessions (client and browser) for sessions older than `cutoff`, which the
    absolute session limit has long ended."""
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _deleted = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    count, _deleted = UserSession.objects.filter(created_at__lt=cutoff).delete()
    return removed + count
