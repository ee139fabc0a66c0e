"""A long list of ids as one query parameter (`= ANY(array)`), not one parameter per id.

`pk__in=[...]` with hundreds or thousands of ids (search's candidates, a walk over a
programme's newest rows) costs more in Python than in the database: Django prepares every id as
a parameter of its own, and psycopg splits the statement at each placeholder again on every call
(it caches the split only for statements of at most 50 parameters) — 7 ms for the split alone of
a query of 2,000 ids on the reference machine. PostgreSQL reads `id IN (1, 2, …)` as `id = ANY('{1,2,…}')` anyway, so passing the
list as one array gives the same plan for a fraction of the work. Other databases get the plain
`IN (…)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Lookup
from django.db.models.lookups import In


class InList(Lookup):
    """`field = ANY(%s::type[])` on PostgreSQL, `field IN (…)` elsewhere. Used as an expression
    in `filter()`: `rows.filter(InList(F("pk"), ids))`, or through `in_list("pk", ids)`."""

    lookup_name = "in_list"
    # The ids are given as they are (ints, as read from the database): no per-item preparing.
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(self.rhs)]


def in_list(field: str, values: Iterable[int]) -> InList:
    """The condition "`field` is one of `values`", for `QuerySet.filter()`."""
    return InList(F(field), list(values))
