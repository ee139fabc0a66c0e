"""An event's registrations as a CSV file, for the organisers' own lists: names and
organisations, never addresses (DESIGN.md §2)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from leerkring.core.spreadsheets import cell_safe

from . import selectors
from .models import Event, Registration


class _Echo:
    def write(self, value: str) -> str:
        return value


def registrations_csv_lines(event: Event) -> Iterator[str]:
    """The whole list in the page's order: name, organisation, status, attended. A byte-order
    mark first, so spreadsheet programs read the accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([_("Naam"), _("Organisatie"), _("Status"), _("Aanwezig")])
    attended = {True: _("ja"), False: _("nee"), None: ""}
    registrations = selectors.registrations_for_organisers(event=event)
    for registration in registrations.iterator(chunk_size=500):
        yield writer.writerow(
            [
                cell_safe(registration.display_name),
                cell_safe(registration.organisation_display),
                registration.get_status_display(),
                attended[registration.attended]
                if registration.status == Registration.Status.CONFIRMED
                else "",
            ]
        )
