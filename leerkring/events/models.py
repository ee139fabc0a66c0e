"""Programme events: learning above the level of one community (report §3.2.4: monthly online
sessions where lessons were shared, also for people outside the CoP's; training and
peer-supervision days for leads and facilitators; CoP's on the same subject linked together).

An `Event` belongs to a programme. A coordinator plans it, or the leads of two or more
communities plan a joint session (`EventCommunity`: each community agrees). People register
(`Registration`): members with one click, anyone else through the public page with double
opt-in. Every link in an e-mail carries an opaque random token of which only a hash is stored
(`RegistrationToken`), never an id or an address.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Person, Programme
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson


def new_public_id() -> str:
    return secrets.token_urlsafe(9)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The counts `seat_counts` keeps on each event.
KEPT_SEAT_FIELDS = frozenset({"kept_confirmed", "kept_waitlisted", "kept_pending"})


class Event(models.Model):
    class Kind(models.TextChoices):
        KNOWLEDGE_SESSION = "knowledge_session", _("Kennissessie")
        PEER_SUPERVISION = "peer_supervision", _("Intervisiedag")
        NATIONAL_DAY = "national_day", _("Landelijke dag")
        JOINT_SESSION = "joint_session", _("Gezamenlijke sessie van gemeenschappen")

    class Audience(models.TextChoices):
        PROGRAMME = "programme", _("Leden van het programma")
        GUIDES = "guides", _("Alleen communitytrekkers en procesbegeleiders")
        PUBLIC = "public", _("Open voor iedereen, met aanmelding")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_LOCATION = "on_location", _("Op locatie")
        HYBRID = "hybrid", _("Op locatie en online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        AWAITING_APPROVAL = "awaiting_approval", _("Wacht op goedkeuring")
        PUBLISHED = "published", _("Aangekondigd")
        CANCELLED = "cancelled", _("Afgelast")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("voor wie"), max_length=10, choices=Audience.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    format = models.CharField(_("vorm"), max_length=12, choices=Format.choices)
    place = models.CharField(_("locatie"), max_length=200, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    # Sent to registrants only, never shown on the public page.
    online_url = models.URLField(_("link om online deel te nemen"), blank=True)
    starts_at = models.DateTimeField(_("begint"), db_index=True)
    ends_at = models.DateTimeField(_("eindigt"))
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"),
        null=True,
        blank=True,
        help_text=_("Leeg: geen grens. Wie zich aanmeldt als het vol is, komt op de wachtlijst."),
    )
    communities = models.ManyToManyField(
        Community, through="EventCommunity", related_name="events", blank=True
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    # One event is one calendar entry for its whole life (see meetings.ical).
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reden"), max_length=300, blank=True)
    # After the event.
    extra_attendance = models.PositiveIntegerField(
        _("deelnemers zonder aanmelding"),
        default=0,
        help_text=_("Bijvoorbeeld wie online meekeek of zonder aanmelding binnenliep."),
    )
    summary = models.TextField(_("verslag"), blank=True)
    recording = models.ForeignKey(
        Product,
        verbose_name=_("opname of verslag als product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_events",
    )
    presented_lessons = models.ManyToManyField(
        Lesson, verbose_name=_("gepresenteerde leerpunten"), related_name="events", blank=True
    )
    presented_products = models.ManyToManyField(
        Product, verbose_name=_("gepresenteerde producten"), related_name="events", blank=True
    )
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    # How many registrations have a seat, wait on the list, wait for the address check:
    # kept by `seat_counts` whenever a registration's status changes; a save of the whole
    # event leaves them out (`save`), as the instance may hold them from before a change.
    kept_confirmed = models.PositiveIntegerField(default=0, editable=False)
    kept_waitlisted = models.PositiveIntegerField(default=0, editable=False)
    kept_pending = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["programme", "status", "starts_at"]),
            # The programme's lists read only the programme's events: what is still ahead
            # and the count of what is past by the end (the count from the index alone), the
            # past in the order shown.
            models.Index(
                fields=["programme", "ends_at"],
                include=["status", "audience"],
                name="event_programme_ends",
            ),
            models.Index(fields=["programme", "starts_at", "id"], name="event_programme_starts"),
            # The public list, its years and its count: the programme's open events only.
            models.Index(
                fields=["programme", "starts_at", "id"],
                condition=Q(audience="public", status="published"),
                name="event_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """A save of the whole event writes every field but the kept seat counts: the instance
        holds them as they were when it was read, perhaps before a registration changed, and
        only `seat_counts` writes them (counted from the registrations)."""
        if (
            not args
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not self._state.adding
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not (field.primary_key or field.generated or field.attname in deferred)
                and field.name not in KEPT_SEAT_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Het einde moet na het begin liggen.")
        if self.format in (self.Format.ON_LOCATION, self.Format.HYBRID) and not self.place:
            errors["place"] = _("Waar is het? Vul de locatie in.")
        if self.capacity == 0:
            errors["capacity"] = _("Minstens één plaats, of laat het leeg voor geen grens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.audience == self.Audience.PUBLIC and self.status == self.Status.PUBLISHED

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_joint(self) -> bool:
        return self.kind == self.Kind.JOINT_SESSION


class EventCommunity(models.Model):
    """A community that organises a joint session; it takes part once one of its leads or
    facilitators agreed (`accepted_at`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "community"], name="event_community_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.community}"


class Registration(models.Model):
    """One person's place at an event. A member is linked to their person; anyone else is a
    name and an address, kept only until `EVENT_REGISTRATION_RETENTION_DAYS` after the event
    (then `anonymised_at` is set and only the status and attendance remain, for the counts)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op bevestiging van het e-mailadres")
        CONFIRMED = "confirmed", _("Aangemeld")
        WAITLISTED = "waitlisted", _("Op de wachtlijst")
        CANCELLED = "cancelled", _("Afgemeld")

    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("naam"), max_length=150, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The waiting list is in the order people joined it.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    seat_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False)
                & Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email="") & Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="registration_one_active_per_address",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.event} – {self.display_name}"

    def save(self, *args, **kwargs) -> None:
        # The event's kept seat counts follow the save (`seat_counts`, post_save) in its own
        # transaction, also when called outside one; no savepoint when inside one.
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.name or str(_("(gegevens verwijderd)"))

    @property
    def organisation_display(self) -> str:
        """The organisation on the organisers' list and in its CSV file: the member's own
        organisation, else the one given at registering ("" when there is none)."""
        if self.person_id and self.person.organisation_id:
            return self.person.organisation.name
        return self.organisation_name

    @property
    def address(self) -> str:
        """Where this registration's e-mail goes: the member's own address, or the one given."""
        if self.person_id:
            return self.person.email or ""
        return self.email


class RegistrationToken(models.Model):
    """A link in an e-mail: to confirm the address, or to see and cancel the registration.
    Only a SHA-256 hash is kept, so a copy of the database hands out no working link."""

    class Purpose(models.TextChoices):
        CONFIRM = "confirm", _("Adres bevestigen")
        MANAGE = "manage", _("Aanmelding bekijken of afmelden")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.registration_id} – {self.purpose}"
