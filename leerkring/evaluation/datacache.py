"""A cache for results computed over a whole programme, keyed on a cheap data version.

Reports and the monitor matrix read every community of a programme; at national scale that
takes hundreds of milliseconds. Instead of invalidating on every write, the key carries a
*data version*: the newest id (or change time) of the tables the result reads, fetched in one
query of index look-ups. Services write the audit log on every change and most tables only
grow, so any change makes a new key and a stale result is never served; old entries simply
expire.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Model

T = TypeVar("T")


def data_version(models: Iterable[type[Model]], *, changed: Iterable[type[Model]] = ()) -> str:
    """The newest id of each of `models`, and the newest `updated_at` of each of `changed`
    (tables whose rows are edited in place), in one query."""
    # Table and column names come from the models, never from input.
    quote = connection.ops.quote_name
    columns = [(quote(model._meta.pk.column), quote(model._meta.db_table)) for model in models] + [
        (quote("updated_at"), quote(model._meta.db_table)) for model in changed
    ]
    selects = [f"(SELECT MAX({column}) FROM {table})" for column, table in columns]  # noqa: S608
    sql = "SELECT " + ", ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return ":".join(_token(value) for value in row)


def _token(value: Any) -> str:
    # SQLite gives timestamps as text; neither form may carry a space into a cache key.
    if isinstance(value, datetime.datetime):
        return str(value.timestamp())
    return str(value or 0).replace(" ", "T")


def cached(key: str, build: Callable[[], T], seconds: int) -> T:
    """`build()`, from the cache under `key` when it is there."""
    value: Any = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value
