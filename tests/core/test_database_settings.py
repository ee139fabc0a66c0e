"""How the application's database connections are set up."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_plan_without_jit():
    """A page's query reads a few hundred rows by index, but its estimated cost grows with the
    network; past `jit_above_cost` PostgreSQL spent far longer compiling it than running it.
    Every connection is opened with JIT off."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone()[0] == "off"
