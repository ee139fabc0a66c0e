"""After the event: what was presented (shared lessons and products of the programme's
communities) and a summary; attendance is in `registrations.attendance_record`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson

from ..models import Event


@transaction.atomic
def event_wrap_up(
    *,
    event: Event,
    by: Any,
    summary: str,
    lessons: Iterable[Lesson] = (),
    products: Iterable[Product] = (),
) -> Event:
    """Only what the communities shared in the programme can be named as presented: the event
    reaches beyond any one community (DESIGN.md §2)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status != Event.Status.PUBLISHED or locked.starts_at > timezone.now():
        raise ValidationError(
            _("Een verslag maak je van een aangekondigde activiteit die begonnen is.")
        )
    lessons, products = list(lessons), list(products)
    errors = {}
    if any(
        not lesson.shareable or lesson.community.programme_id != locked.programme_id
        for lesson in lessons
    ):
        errors["lessons"] = _("Kies alleen gedeelde leerpunten uit dit programma.")
    if any(not p.shareable or p.programme_id != locked.programme_id for p in products):
        errors["products"] = _("Kies alleen gedeelde producten uit dit programma.")
    if errors:
        raise ValidationError(errors)
    locked.summary = clean_text(summary).strip()
    locked.wrapped_up_at = timezone.now()
    locked.save(update_fields=["summary", "wrapped_up_at"])
    locked.presented_lessons.set(lessons)
    locked.presented_products.set(products)
    audit(
        actor=by,
        verb="event.wrapped_up",
        obj=locked,
        lessons=len(lessons),
        products=len(products),
    )
    return locked
