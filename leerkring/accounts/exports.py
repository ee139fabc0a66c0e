"""The download of everything Leerkring holds about one person (AVG art. 15 and 20): a ZIP with
the data as JSON, for another program, and the same as a readable HTML page."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from leerkring.core.personal_data import collect_personal_data


def personal_data_zip(*, person: Any, user: Any, now: datetime.datetime) -> bytes:
    chapters = collect_personal_data(person=person, user=user)
    note = _(
        "Dit is alles wat Leerkring over je vastlegt. Antwoorden op vragenlijsten staan er niet "
        "in: die worden bewaard zonder verband met wie ze gaf, dus ook wij weten niet welke "
        "van jou zijn."
    )
    data = {
        _("gemaakt op"): now.isoformat(),
        _("toelichting"): note,
        _("onderdelen"): [
            {_("onderdeel"): chapter.title, _("gegevens"): chapter.sections} for chapter in chapters
        ],
    }
    summary = render_to_string(
        "accounts/export_summary.html", {"chapters": chapters, "now": now, "note": note}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("overzicht.html", summary)
    return buffer.getvalue()
