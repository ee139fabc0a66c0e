"""Retention for survey invitations (core.retention): who was invited is needed while a wave
is open (reminders, one-time links); once it has been closed for
RETENTION_SURVEY_INVITATION_DAYS, each invitation loses its person and address. The rows stay,
so the response rates of past waves still add up."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from ..models import Invitation
from .personal_data import erased_address


def invitations_anonymise(cutoff: datetime.datetime) -> int:
    closed_before = timezone.localdate(cutoff)
    invitations = Invitation.objects.filter(wave__closes_on__lt=closed_before).filter(
        Q(person__isnull=False) | ~Q(email__endswith="@leerkring.invalid")
    )
    changed = 0
    for invitation in invitations.iterator():
        invitation.person = None
        invitation.email = erased_address(invitation)
        invitation.save(update_fields=["person", "email"])
        changed += 1
    return changed
