"""What a row held before the save in progress, for the kept figures that follow the save.

A kept figure that counts rows by some of their fields (a community's programme, a seat's
community, a registration's event) must count the old owner again when a save moves a row to
another one, and need count nothing when the save changed none of those fields. So the
`pre_save` receiver reads those fields once per save, for every figure that needs them, and the
`post_save` receivers compare them with the instance.

They are read from the row, not taken from the instance as it was loaded: an instance read
before another change moved the row would otherwise compare with what the row was then, and
leave a count wrong. Nothing is read for a new row, a raw save (fixtures), or a save whose
`update_fields` name none of the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, NamedTuple, TypeVar

from django.db.models import Model

Row = TypeVar("Row", bound=NamedTuple)


class RowBefore(Generic[Row]):
    """The fields of `row` (a named tuple whose field names are the model's attribute names)
    as the row held them before the save in progress. `watched` names the fields, as
    `update_fields` may name them, whose change the figures follow (by default the tuple's);
    `lookups` what is read for the tuple's fields, where one reaches past the row (a related
    row's key, read in the same query)."""

    def __init__(
        self, row: type[Row], *, watched: Iterable[str] = (), lookups: Iterable[str] = ()
    ) -> None:
        self.row = row
        self.watched = frozenset(watched) or frozenset(row._fields)
        self.lookups = tuple(lookups) or row._fields
        self._attribute = f"_row_before_{row.__module__}.{row.__qualname__}"

    def may_change(self, update_fields: Iterable[str] | None) -> bool:
        """Whether a save with these `update_fields` can change a watched field."""
        return update_fields is None or not self.watched.isdisjoint(update_fields)

    def read(
        self,
        instance: Model,
        *,
        raw: bool = False,
        update_fields: Iterable[str] | None = None,
        lock: bool = False,
    ) -> Row | None:
        """Read the row before the save (the `pre_save` receiver calls this), locked for the
        transaction when `lock`; one query, or none when the save cannot change the fields."""
        before = None
        if (
            not raw
            and not instance._state.adding
            and instance.pk is not None
            and self.may_change(update_fields)
        ):
            stored = type(instance)._base_manager.filter(pk=instance.pk)
            if lock:
                stored = stored.select_for_update()
            values = stored.values_list(*self.lookups).first()
            before = self.row(*values) if values else None
        setattr(instance, self._attribute, before)
        return before

    def __call__(self, instance: Model) -> Row | None:
        """The row as read before this save; None when it was not read: a new row, a raw save,
        a save that changes none of the watched fields, a row that was not there."""
        return getattr(instance, self._attribute, None)

    def now(self, instance: Any) -> Row:
        """The same fields as the instance holds them now, to compare with the row before."""
        return self.row(*(getattr(instance, field) for field in self.row._fields))
