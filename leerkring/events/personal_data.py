"""What programme events hold about one person (core.personal_data): their registrations and
the events they planned. When they leave, their registrations for events still ahead are
cancelled — the seat goes to the waiting list and their calendar gets the cancellation — and
past registrations stay for the attendance counts, with the person record that becomes
"Oud-lid"."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, Registration
from .services import registration_cancel


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {}
    if person is not None:
        sections[_("Aanmeldingen voor activiteiten")] = [
            {
                _("activiteit"): row.event.title,
                _("begint"): row.event.starts_at.isoformat(),
                _("status"): row.get_status_display(),
                _("aanwezig"): row.attended,
            }
            for row in Registration.objects.filter(person=person)
            .select_related("event")
            .order_by("event__starts_at")
        ]
    if user is not None:
        sections[_("Activiteiten die je plande")] = [
            {_("activiteit"): row.title, _("begint"): row.starts_at.isoformat()}
            for row in Event.objects.filter(created_by=user).order_by("starts_at")
        ]
    return sections


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is None:
        return
    ahead = Registration.objects.filter(
        person=person, status__in=Registration.ACTIVE, event__ends_at__gt=timezone.now()
    ).select_related("event")
    for registration in ahead:
        registration_cancel(registration=registration, by=by)
