"""`core.startup`: a server process freezes what start-up loaded, out of the collector's reach
(the privacy guard's name lists too, loaded before the freeze instead of in a request), and
does not load the export libraries before an export is made."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from leerkring.core import guard
from leerkring.core.startup import settle_after_start


def test_it_loads_the_views_and_freezes_what_start_up_left():
    try:
        settle_after_start()

        assert "leerkring.search.views.search" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_the_guards_name_lists_are_loaded_before_the_freeze(monkeypatch):
    monkeypatch.setattr(guard, "_deduce_instance", None)
    loaded_when_frozen = []
    freeze = gc.freeze

    def recorded_freeze():
        loaded_when_frozen.append(guard._deduce_instance is not None)
        freeze()

    monkeypatch.setattr(gc, "freeze", recorded_freeze)
    try:
        settle_after_start()
    finally:
        gc.unfreeze()
    assert loaded_when_frozen == [True]


def test_without_start_up_the_guard_loads_its_lists_at_the_first_text_and_freezes_nothing(
    monkeypatch,
):
    # Tests and commands never call start-up: the first check loads the lists, in its stride.
    def refused():
        raise AssertionError("a check collected or froze the heap")

    monkeypatch.setattr(guard, "_deduce_instance", None)
    monkeypatch.setattr(gc, "freeze", refused)
    monkeypatch.setattr(gc, "collect", refused)
    text = "Ik sprak met Fatima Yilmaz over haar inburgering."
    assert [(f.kind, f.text) for f in guard.scan(text)] == [("name", "Fatima Yilmaz")]
    assert guard._deduce_instance is not None


def test_a_server_process_loads_no_export_library_at_start():
    # A fresh interpreter: the test process has imported them for other tests.
    script = (
        "import sys, leerkring.wsgi; "
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'weasyprint', 'docx', 'openpyxl'}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leerkring.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "startup-test-" + "x" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_spreadsheet_imports_openpyxl_once_not_per_cell(monkeypatch):
    # The export library is imported late, but not again for every cell: an import statement
    # costs more than the rest of a cell, and an export writes hundreds of thousands of them.
    import builtins
    import datetime

    from openpyxl import Workbook

    from leerkring.core.spreadsheets import xlsx_row

    sheet = Workbook(write_only=True).create_sheet()
    xlsx_row(sheet, ["eerste"])
    imports = []
    real_import = builtins.__import__

    def counting_import(name, *args, **kwargs):
        imports.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counting_import)
    cells = xlsx_row(sheet, ["tekst", "=1+1", datetime.date(2026, 12, 5), 3] * 50, bold=True)
    monkeypatch.undo()

    assert [name for name in imports if name.startswith("openpyxl")] == []
    assert cells[1].quotePrefix and cells[1].data_type == "s"
    assert cells[2].number_format == "DD-MM-YYYY"
    assert cells[0].font.bold
