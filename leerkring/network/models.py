"""The network of leads and facilitators (report §3.2.4: training and peer-supervision days for
community leads and facilitators; their peer meetings and the LCC minutes sat in a shared
Drive).

A `Network` is a standing, closed space of one programme or several. Its members are everyone
who is lead or facilitator of a community of those programmes today — nobody keeps a list —
and the people those members invited in (`NetworkMember`), such as a coordinator they want to
hear. Like a community it is closed: a coordinator sees its shape, not its conversations,
unless the members added them.

Conversations are the meeting app's threads (`NetworkThread` says which thread is whose);
shared material is files (`NetworkDocument`); peer-supervision sessions are programme events
for leads and facilitators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Person, Programme
from leerkring.meetings.models import Thread


class Network(models.Model):
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("omschrijving"), blank=True)
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programma's"), related_name="networks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # How many threads the network has: written by `thread_counts` alone.
    kept_thread_count = models.PositiveIntegerField(default=0, editable=False)
    # How many members it has, and until which date that holds: written by `member_counts`.
    kept_member_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    kept_members_until = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("netwerk van trekkers en begeleiders")
        verbose_name_plural = _("netwerken van trekkers en begeleiders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMember(models.Model):
    """Someone the members invited in; leads and facilitators need no row."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "person"], name="network_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.network}"


class NetworkThread(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="threads")
    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="network_link")

    def __str__(self) -> str:
        return str(self.thread)


class NetworkDocument(models.Model):
    """Shared material: a file the members keep together (checked like product files)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    description = models.CharField(_("toelichting"), max_length=300, blank=True)
    file = models.FileField(upload_to="network/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NetworkNotification(models.Model):
    """How a member wants to hear of new messages in the network (each message by default)."""

    class Mode(models.TextChoices):
        EACH = "each", _("Bij elk bericht")
        OFF = "off", _("Geen e-mail")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("e-mail over gesprekken"), max_length=10, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "person"], name="network_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_mode_display()}"
