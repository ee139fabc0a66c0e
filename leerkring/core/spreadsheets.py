"""Cells for the spreadsheets and CSV files the apps export.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, so text written by members could run in the reader's spreadsheet (OWASP "CSV
injection"). Every export writes its text cells through `cell_safe`.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe;
    numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
