"""Whether a publication's source is still shared in the programme, kept on the publication.

A publication is public only while it is published *and* the community still shares its lesson
or product in the programme (DESIGN.md §2): unsharing the source takes it off the public pages
at once. Worked out per request, that meant joining every lesson and product of the programme
to its publications for each of the public page's queries (29,000 rows a query at national
scale, five times as many at five times it; issue 17). `Publication.source_shared` holds the
fact, with an index in the public page's order, so the page reads the public rows only.

Who keeps it:

- a new publication takes it from its source (`Publication.save`);
- sharing or unsharing a lesson or product — `meetings.services.outcomes.lesson_update`,
  `dissemination.services.products.product_update`, or any other save of the source — sets it
  on the source's publications in the same transaction (receivers below), and has the public
  counts (`publishing.counts`) counted again;
- deleting a lesson or product deletes its publications (cascade), so nothing is left to keep;
- withdrawing, declining or approving changes the status, not the source: the flag stays true
  to the source, and the public filter asks both;
- writes that bypass `save()` (the synthetic network, the demo data, the migration that fills
  the field) set it from the source themselves, or call `source_shared_refresh`.

`tests/publishing/test_source_shared.py` holds the kept flag to the one worked out from the
sources after each kind of change.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save

from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson

from .counts import public_counts_rebuild, public_counts_refresh
from .models import Publication


def source_shared_q() -> Q:
    """The rule worked out from the sources themselves (two outer joins): what the kept flag
    must always equal."""
    return Q(product__shareable=True) | Q(lesson__shareable=True)


def source_shared_update(publication_model: Any, publications: Any) -> int:
    """Set the flag of the `publications` queryset from their sources; the model is an
    argument so the migration that fills the field can use its own."""
    shared = publications.filter(source_shared_q()).values("pk")
    changed = publications.filter(pk__in=shared, source_shared=False).update(source_shared=True)
    unshared = publications.exclude(pk__in=shared).filter(source_shared=True)
    return changed + unshared.update(source_shared=False)


def source_shared_refresh() -> int:
    """Every publication's flag worked out again from its source, and the public counts with
    them. Returns the number changed."""
    changed = source_shared_update(Publication, Publication.objects.all())
    if changed:
        public_counts_rebuild()
    return changed


def _source_saved(field: str, instance: Any, raw: bool, created: bool, update_fields) -> None:
    if raw or created:  # a new lesson or product has no publication yet
        return
    if update_fields is not None and "shareable" not in update_fields:
        return
    shared = bool(instance.shareable)
    changing = Publication.objects.filter(**{field: instance.pk}).exclude(source_shared=shared)
    programme_ids = set(changing.values_list("programme_id", flat=True))
    if programme_ids:
        changing.update(source_shared=shared)
        # The public counts follow in the same transaction (`publishing.counts`).
        public_counts_refresh(programme_ids=programme_ids)


def _lesson_saved(sender, instance: Lesson, raw: bool, created: bool, update_fields=None, **kw):
    _source_saved("lesson_id", instance, raw, created, update_fields)


def _product_saved(sender, instance: Product, raw: bool, created: bool, update_fields=None, **kw):
    _source_saved("product_id", instance, raw, created, update_fields)


def connect() -> None:
    post_save.connect(_lesson_saved, sender=Lesson, dispatch_uid="publication_source_lesson")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="publication_source_product")
