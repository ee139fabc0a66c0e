"""Accounts: who can sign in, with which programme roles, and how they were invited.

A `User` is only the key to the door. What a person *is* in the network (name, organisation,
memberships) lives on `communities.Person`, because many people in a community never sign in
(guests, experts by experience) and a person may exist before they accept an invitation.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mailadres"), unique=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(
        _("beheerder"), default=False, help_text=_("Mag inloggen in het beheer (Django admin).")
    )
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        person = getattr(self, "person", None)
        return person.full_name if person else self.email

    def get_short_name(self) -> str:
        return self.get_full_name().split(" ")[0]


class ProgrammeRole(models.Model):
    """A role held for a whole programme (DESIGN.md §1): coordinator, evaluator or system partner.

    Community roles (participant, lead, facilitator) live on `communities.Membership` instead.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coördinator (landelijk coördinatiepunt)")
        EVALUATOR = "evaluator", _("Onderzoeker")
        SYSTEM_PARTNER = "system_partner", _("Stelselpartner")

    person = models.ForeignKey(
        "communities.Person", on_delete=models.CASCADE, related_name="programme_roles"
    )
    programme = models.ForeignKey(
        "communities.Programme", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programmarol")
        verbose_name_plural = _("programmarollen")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme", "role"], name="programme_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.programme}"


class Invitation(models.Model):
    """A one-time, expiring link that lets an invited person set a password.

    Only a hash of the token is stored, so a database leak does not hand out accounts.
    """

    person = models.ForeignKey(
        "communities.Person", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mailadres"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        "communities.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # An invitation to join `community` in this role: the person becomes a member only when
    # they accept it (`services.invitation_accept` / `invitation_join`), never before.
    role = models.CharField(_("rol"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        "communities.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    job_title = models.CharField(_("functie"), max_length=150, blank=True)
    # The name as the inviter typed it; pages about the invitation show this, never the name
    # an existing account has, so inviting an address tells nothing about who holds it.
    invited_name = models.CharField(_("naam"), max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
