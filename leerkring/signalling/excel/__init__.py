"""The venster in and out of a spreadsheet (issue "Het venster" §7, issue 12 §7): the report
found signals were kept in an Excel sheet, so a programme starts by loading that sheet, a
coordinator can always take the current view out again, and an edited export comes back in.

Import, in steps that survive between requests through one kept file (`files`):
1. `upload_store` checks the file and keeps it, with its SHA-256.
2. `upload_read` gives the headings and rows; the coordinator maps columns to fields
   (`guess_mapping` pre-selects by heading, "Nummer" included) and sees the first rows.
3. `import_check` (`checking`) compares every row: new signals, changed ones field by field,
   unchanged ones, and per row what is wrong, in Dutch. The preview shows the counts.
4. `import_commit` (`saving`) saves all of it through the lifecycle in one transaction, or
   nothing — also nothing when a named signal changed since the preview.

Export (`export`): the filtered venster rows with the headings the import recognises.

Modules: `columns` (fields, headings, reading cells), `files`, `checking`, `saving`, `export`.
"""

from .checking import ChangedRow, CheckedRow, FieldChange, ImportCheck, RowProblem, import_check
from .columns import (
    ALIASES,
    EXPORT_EXTRA,
    FIELDS,
    IMPORT_FIELDS,
    REQUIRED,
    fold,
    guess_mapping,
    parse_date,
    state_labels,
)
from .export import export_headings, export_rows, export_workbook
from .files import (
    ImportFileError,
    Sheet,
    preview_keep,
    preview_kept,
    upload_directory,
    upload_meta,
    upload_read,
    upload_remove,
    upload_store,
    uploads_clean,
)
from .saving import import_commit

#: How many rows of the file the mapping page shows.
PREVIEW_ROWS = 5

__all__ = [
    "ALIASES",
    "EXPORT_EXTRA",
    "FIELDS",
    "IMPORT_FIELDS",
    "PREVIEW_ROWS",
    "REQUIRED",
    "ChangedRow",
    "CheckedRow",
    "FieldChange",
    "ImportCheck",
    "ImportFileError",
    "RowProblem",
    "Sheet",
    "export_headings",
    "export_rows",
    "export_workbook",
    "fold",
    "guess_mapping",
    "import_check",
    "import_commit",
    "parse_date",
    "preview_keep",
    "preview_kept",
    "state_labels",
    "upload_directory",
    "upload_meta",
    "upload_read",
    "upload_remove",
    "upload_store",
    "uploads_clean",
]
