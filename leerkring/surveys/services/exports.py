"""Exports of a wave's answers. Reading results changes nothing; an export does take the
answers out of the system, so who exported which wave, in which format, is kept in the
audit history."""

from __future__ import annotations

from leerkring.core.audit import audit
from leerkring.surveys.models import Wave


def wave_export_record(
    *, wave: Wave, by, export_format: str, community_id: int | None = None
) -> None:
    """Write the audit event of one export (csv, xlsx or codebook)."""
    audit(
        actor=by,
        verb="wave.exported",
        obj=wave,
        format=export_format,
        community=community_id,
    )
