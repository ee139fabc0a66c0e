"""Who a publication names as its authors, kept on the publication (`Publication.
credited_people`: the ids of the people with a `PublicationCredit`, in the order they chose it).

The public list and the feed show each item's authors. Asked for the credits of their twenty
or thirty items at once, PostgreSQL read the whole credits table (a few pages, cheaper to it
than thirty index probes): rows that grow with the network, 78 at national scale and 471 at
five times it (issue 17). With the ids on the items, they read the few names by primary key
from the people (`selectors.with_author_names`), a table large enough that PostgreSQL always
probes its index. Names are not kept: a person who changes
their name, or whose data is erased, shows as they are now.

Who keeps it:

- adding or removing a credit — `services.publication_credit_set`, the erasure of a person's
  data (`personal_data_erase`), a person deleted with their credits, or any other save or
  delete of a credit — sets it in the same transaction (receivers below), with the publication
  locked first so that two changes at once both see the other's credit;
- writes that bypass the receivers (the synthetic network's bulk insert, the migration that
  fills the field) call `credited_update`; `manage.py recount` calls `credited_refresh`.

`tests/publishing/test_credited.py` holds the kept ids to the credits after each kind of change.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from leerkring.core.locking import lock_in_order

from .models import Publication, PublicationCredit

BATCH_SIZE = 500


def credited_update(publications: QuerySet, credits: QuerySet) -> int:
    """Set the kept ids of the `publications` from the `credits` (the models are the
    querysets', so the migration that fills the field can use its own). Returns the number
    changed."""
    people: dict[int, list[int]] = {}
    named = credits.filter(publication__in=publications.values("pk")).order_by(
        "publication_id", "created_at", "pk"
    )
    for publication_id, person_id in named.values_list("publication_id", "person_id"):
        people.setdefault(publication_id, []).append(person_id)
    changed = []
    for publication in publications.only("pk", "credited_people").iterator():
        kept = people.get(publication.pk, [])
        if publication.credited_people != kept:
            publication.credited_people = kept
            changed.append(publication)
    publications.model.objects.bulk_update(changed, ["credited_people"], batch_size=BATCH_SIZE)
    return len(changed)


def credited_refresh() -> int:
    """Every publication's kept ids worked out again from the credits."""
    return credited_update(Publication.objects.all(), PublicationCredit.objects.all())


def _credit_changed(sender, instance: PublicationCredit, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    publication = Publication.objects.filter(pk=instance.publication_id)
    lock_in_order(publication)
    credited_update(publication, PublicationCredit.objects.all())


def connect() -> None:
    post_save.connect(_credit_changed, sender=PublicationCredit, dispatch_uid="credit_saved")
    post_delete.connect(_credit_changed, sender=PublicationCredit, dispatch_uid="credit_deleted")
