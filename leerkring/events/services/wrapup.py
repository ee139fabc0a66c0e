"""After the event: what was presented (shared lessons and products of the programme's
communities), a summary, and the recording or report that becomes a product of the programme;
attendance is in `registrations.attendance_record`.

For an event open to anyone the summary and the recording go on its public page, so the
personal-data guard reads them first, as it read the announcement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination import services as dissemination_services
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson
from leerkring.publishing import guard

from ..models import Event


@transaction.atomic
def event_wrap_up(
    *,
    event: Event,
    by: Any,
    summary: str,
    lessons: Iterable[Lesson] = (),
    products: Iterable[Product] = (),
    recording_url: str = "",
    recording_title: str = "",
    guard_confirmed: bool = False,
) -> Event:
    """Only what the communities shared in the programme can be named as presented: the event
    reaches beyond any one community (DESIGN.md §2). A recording link makes the recording a
    product of the programme (shared with the whole programme, ready, national), once."""
    locked = Event.objects.select_for_update().select_related("programme").get(pk=event.pk)
    if locked.status != Event.Status.PUBLISHED or locked.starts_at > timezone.now():
        raise ValidationError(
            _("Een verslag maak je van een aangekondigde activiteit die begonnen is.")
        )
    lessons, products = list(lessons), list(products)
    summary = clean_text(summary).strip()
    recording_url = (recording_url or "").strip()
    recording_title = clean_text(recording_title or "").strip()
    errors = {}
    if any(
        not lesson.shareable or lesson.community.programme_id != locked.programme_id
        for lesson in lessons
    ):
        errors["lessons"] = _("Kies alleen gedeelde leerpunten uit dit programma.")
    if any(not p.shareable or p.programme_id != locked.programme_id for p in products):
        errors["products"] = _("Kies alleen gedeelde producten uit dit programma.")
    if recording_url and locked.recording_id:
        errors["recording_url"] = _(
            "Deze activiteit heeft al een opname als product; pas de link aan op de pagina van "
            "dat product."
        )
    if errors:
        raise ValidationError(errors)
    findings = []
    if locked.audience == Event.Audience.PUBLIC:
        findings = guard.check(
            {"summary": summary, "recording_title": recording_title if recording_url else ""},
            confirmed=guard_confirmed,
        )
    locked.summary = summary
    locked.wrapped_up_at = timezone.now()
    fields = ["summary", "wrapped_up_at"]
    if recording_url:
        locked.recording = _recording_create(
            event=locked, by=by, url=recording_url, title=recording_title, summary=summary
        )
        fields.append("recording")
    locked.save(update_fields=fields)
    locked.presented_lessons.set(lessons)
    locked.presented_products.set(products)
    audit(
        actor=by,
        verb="event.wrapped_up",
        obj=locked,
        lessons=len(lessons),
        products=len(products),
        recording=locked.recording_id,
        guard_findings=sorted({f.kind for f in findings}),
    )
    return locked


def _recording_create(*, event: Event, by: Any, url: str, title: str, summary: str) -> Product:
    """The recording as a product of the programme, behind it the communities that organised
    a joint session."""
    title = title or _("Opname: %(title)s") % {"title": event.title}
    try:
        return dissemination_services.programme_product_create(
            programme=event.programme,
            by=by,
            title=title[: Product._meta.get_field("title").max_length],
            kind=Product.Kind.WEBINAR,
            summary=summary or event.description,
            communities=[
                entry.community
                for entry in event.organisers.select_related("community")
                if entry.accepted_at
            ],
            url=url,
            url_title=_("Opname"),
        )
    except ValidationError as error:
        fields = {"url": "recording_url", "title": "recording_title"}
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {fields.get(k, k): v for k, v in error.error_dict.items()}
            ) from error
        raise
