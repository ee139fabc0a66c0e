"""State changes for programmes, communities, organisations, people and memberships.

Every function validates (`full_clean`), runs in one transaction and writes the audit history,
so the view, the management commands and later the API change data the same way.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring.core.audit import audit

from .models import (
    Community,
    Membership,
    Organisation,
    Person,
    Programme,
    RuleProfile,
)
from .presets import preset_values

# --- Programme -------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, name: str, preset: str, by: Any = None, slug: str = "", description: str = "", **extra: Any
) -> Programme:
    programme = Programme(
        name=name, slug=slug or slugify(name)[:60], description=description, **extra
    )
    programme.full_clean()
    programme.save()
    profile = RuleProfile(programme=programme, preset=preset, **preset_values(preset))
    profile.full_clean()
    profile.save()
    audit(actor=by, verb="programme.created", obj=programme, preset=preset)
    return programme


@transaction.atomic
def rule_profile_update(*, rule_profile: RuleProfile, by: Any, **fields: Any) -> RuleProfile:
    changed = {}
    for name, value in fields.items():
        if getattr(rule_profile, name) != value:
            changed[name] = str(value)
            setattr(rule_profile, name, value)
    rule_profile.full_clean()
    rule_profile.save()
    if changed:
        audit(actor=by, verb="rule_profile.updated", obj=rule_profile, changed=changed)
    return rule_profile


# --- Organisations and people ------------------------------------------------------------


@transaction.atomic
def organisation_save(*, organisation: Organisation, by: Any) -> Organisation:
    created = organisation.pk is None
    organisation.name = organisation.name.strip()
    # The directory is searched by name; "Gemeente Ede" and "gemeente ede" would be one
    # organisation split in two.
    duplicate = Organisation.objects.filter(name__iexact=organisation.name)
    if organisation.pk is not None:
        duplicate = duplicate.exclude(pk=organisation.pk)
    if organisation.name and duplicate.exists():
        raise ValidationError({"name": _("Er is al een organisatie met deze naam.")})
    organisation.full_clean()
    organisation.save()
    audit(
        actor=by,
        verb="organisation.created" if created else "organisation.updated",
        obj=organisation,
    )
    return organisation


def person_for_email(
    *,
    email: str,
    full_name: str,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Person:
    """The person with this e-mail address, created when new. An existing person keeps their
    name: one colleague's typo should not rename someone in every community."""
    email = (email or "").strip().lower()
    if not email:
        # A person without an address cannot be found again, invited or told apart.
        raise ValidationError({"email": _("Vul een e-mailadres in.")})
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None:
        if organisation and person.organisation_id is None:
            person.organisation = organisation
            person.save(update_fields=["organisation"])
        return person
    person = Person(
        email=email, full_name=full_name.strip(), organisation=organisation, job_title=job_title
    )
    person.full_clean()
    person.save()
    return person


# --- Community -------------------------------------------------------------------------


@transaction.atomic
def community_create(*, programme: Programme, by: Any, **fields: Any) -> Community:
    community = Community(programme=programme, **fields)
    try:
        community.full_clean()
    except ValidationError as error:
        if "__all__" in getattr(error, "error_dict", {}):
            # The uniqueness constraint speaks of "name"; say it in the user's words.
            raise ValidationError(
                {"name": _("Dit programma heeft al een gemeenschap met deze naam.")}
            ) from error
        raise
    community.save()
    audit(actor=by, verb="community.created", obj=community, community_id=community.pk)
    return community


@transaction.atomic
def community_update(*, community: Community, by: Any, **fields: Any) -> Community:
    changed = {}
    for name, value in fields.items():
        if getattr(community, name) != value:
            changed[name] = str(value)
            setattr(community, name, value)
    community.full_clean()
    community.save()
    if changed:
        audit(
            actor=by, verb="community.updated", obj=community, community_id=community.pk, **changed
        )
    return community


# --- Memberships -----------------------------------------------------------------------


def _check_guidance_roles(*, community: Community, role: str) -> None:
    """Report §5.2: lead and facilitator are separate people, unless the programme's rule
    profile lets one person combine them."""
    profile = community.programme.rule_profile
    if role == Membership.Role.LEAD_FACILITATOR and profile.lead_facilitator_separate:
        raise ValidationError(
            {
                "role": _(
                    "De spelregels van dit programma vragen om een aparte communitytrekker en "
                    "procesbegeleider; één persoon kan niet beide rollen hebben."
                )
            }
        )


@transaction.atomic
def membership_add(
    *,
    community: Community,
    person: Person,
    by: Any,
    role: str = Membership.Role.PARTICIPANT,
    organisation: Organisation | None = None,
    joined_on: datetime.date | None = None,
    predecessor: Membership | None = None,
) -> Membership:
    if Membership.objects.filter(community=community, person=person, left_on__isnull=True).exists():
        raise ValidationError(
            {"email": _("%(name)s is al lid van deze gemeenschap.") % {"name": person.full_name}}
        )
    _check_guidance_roles(community=community, role=role)
    membership = Membership(
        community=community,
        person=person,
        role=role,
        organisation=organisation or person.organisation,
        joined_on=joined_on or timezone.localdate(),
        predecessor=predecessor,
    )
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Two requests adding the same person at once: the unique constraint decides.
        raise ValidationError(
            {"email": _("%(name)s is al lid van deze gemeenschap.") % {"name": person.full_name}}
        ) from error
    audit(
        actor=by,
        verb="membership.added",
        obj=membership,
        community_id=community.pk,
        person=person.full_name,
        role=role,
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: Any) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    # A successor who starts on a later date may get their role ahead of time.
    if membership.left_on is not None and membership.left_on <= timezone.localdate():
        raise ValidationError({"role": _("Dit lidmaatschap is beëindigd.")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Kies een geldige rol.")})
    _check_guidance_roles(community=membership.community, role=role)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        actor=by,
        verb="membership.role_changed",
        obj=membership,
        community_id=membership.community_id,
        person=membership.person.full_name,
        old=old,
        new=role,
    )
    return membership


@transaction.atomic
def membership_end(
    *,
    membership: Membership,
    by: Any,
    left_on: datetime.date | None = None,
    reason: str = Membership.LeftReason.LEFT,
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("Dit lidmaatschap is al beëindigd.")})
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("De einddatum ligt vóór de datum van aanmelden.")})
    membership.left_on = left_on
    membership.left_reason = reason
    membership.save(update_fields=["left_on", "left_reason"])
    # A seat shared with someone who leaves passes to the longest-serving colleague.
    sharers = list(membership.seat_sharers.filter(left_on__isnull=True).order_by("joined_on"))
    if sharers:
        new_holder, *others = sharers
        new_holder.shares_seat_with = None
        new_holder.save(update_fields=["shares_seat_with"])
        for other in others:
            other.shares_seat_with = new_holder
            other.save(update_fields=["shares_seat_with"])
    audit(
        actor=by,
        verb="membership.ended",
        obj=membership,
        community_id=membership.community_id,
        person=membership.person.full_name,
        left_on=left_on.isoformat(),
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_handover(
    *,
    membership: Membership,
    successor: Person,
    by: Any,
    on: datetime.date | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    """Het stokje overdragen: the leaving member's seat and role pass to a colleague, and the
    link between the two memberships keeps the history.

    When the successor joins for the same organisation they take over the seat itself: the
    colleagues who shared it keep sharing it with the successor (report §5.1.2), instead of the
    organisation ending up with an extra seat.
    """
    on = on or timezone.localdate()
    if successor.pk == membership.person_id:
        raise ValidationError({"email": _("Draag de plek over aan iemand anders.")})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    sharer_ids = list(
        membership.seat_sharers.filter(left_on__isnull=True).values_list("pk", flat=True)
    )
    holder = membership.shares_seat_with
    ended = membership_end(
        membership=membership, by=by, left_on=on, reason=Membership.LeftReason.HANDOVER
    )
    successor_membership = membership_add(
        community=ended.community,
        person=successor,
        by=by,
        role=ended.role,
        organisation=organisation or successor.organisation or ended.organisation,
        joined_on=on,
        predecessor=ended,
    )
    if successor_membership.organisation_id == ended.organisation_id:
        if sharer_ids:
            Membership.objects.filter(pk__in=sharer_ids).update(
                shares_seat_with=successor_membership
            )
        elif holder is not None and holder.left_on is None:
            successor_membership.shares_seat_with = holder
            successor_membership.save(update_fields=["shares_seat_with"])
    audit(
        actor=by,
        verb="membership.handed_over",
        obj=successor_membership,
        community_id=ended.community_id,
        person=ended.person.full_name,
        successor=successor.full_name,
    )
    return successor_membership


@transaction.atomic
def membership_share_seat(
    *, membership: Membership, with_membership: Membership | None, by: Any
) -> Membership:
    """Colleagues of one organisation may attend in turn on one seat (report §5.1.2).

    A seat has one holder and any number of sharers pointing at it; chains are never stored,
    so "who shares this seat" stays one lookup.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError({"shares_seat_with": _("Dit lidmaatschap is beëindigd.")})
    if with_membership is not None:
        with_membership = Membership.objects.select_related(
            "person", "shares_seat_with__person"
        ).get(pk=with_membership.pk)
        if with_membership.shares_seat_with_id:
            with_membership = with_membership.shares_seat_with
        if with_membership.left_on is not None:
            raise ValidationError(
                {"shares_seat_with": _("Deze collega is geen lid meer van de gemeenschap.")}
            )
        if with_membership.pk == membership.pk:
            # B shares A's seat and A asks to share B's: that is the seat A already holds.
            message = _("Deze collega deelt al de plek van %(name)s.") % {
                "name": membership.person.full_name
            }
            raise ValidationError({"shares_seat_with": message})
    membership.shares_seat_with = with_membership
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["shares_seat_with"])
    if with_membership is not None:
        # Whoever shared this member's seat now shares the seat this member joins.
        membership.seat_sharers.filter(left_on__isnull=True).update(
            shares_seat_with=with_membership
        )
    audit(
        actor=by,
        verb="membership.seat_shared" if with_membership else "membership.seat_own",
        obj=membership,
        community_id=membership.community_id,
        person=membership.person.full_name,
        with_person=with_membership.person.full_name if with_membership else "",
    )
    return membership


# --- Leaving Leerkring (core.personal_data) -----------------------------------------------

# What a person who left is called wherever their community keeps the record (attendance,
# agreements, messages): the community needs the history, not the name.
FORMER_MEMBER = "Oud-lid"


def personal_data_erase(*, person: Person | None, user: Any, by: Any) -> None:
    """The person record loses name, address, job title and organisation, and every active
    membership ends today; memberships themselves stay, so the community's history (who was
    around the table, how many came) still adds up."""
    if person is None:
        return
    today = timezone.localdate()
    for membership in Membership.objects.filter(person=person, left_on__isnull=True):
        membership_end(membership=membership, by=by, left_on=max(today, membership.joined_on))
    person.full_name = FORMER_MEMBER
    person.email = None
    person.job_title = ""
    person.organisation = None
    person.save(update_fields=["full_name", "email", "job_title", "organisation"])
