"""Saving a checked venster sheet: all rows or none, in one transaction.

New rows become signals through `lifecycle.signal_import` (their history says "created by
import"); changed rows go through the same lifecycle steps an edit on the signal's page uses —
details, theme, the state step with its answer, an answer on its own — so each change lands in
the signal's history and reaches the community as it would from the page. Themes the sheet names
that do not exist yet are created first. The import as a whole is written to the audit log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from leerkring.communities.models import Programme
from leerkring.core.audit import audit
from leerkring.signalling import coordination, lifecycle
from leerkring.signalling.models import Signal, SignalResponse, SignalTheme
from leerkring.signalling.venster_tallies import programmes_lock

from .checking import ChangedRow, ImportCheck, RowProblem, import_check, signal_versions
from .columns import fold
from .files import Sheet

State = Signal.State


def import_commit(
    *,
    sheet: Sheet,
    mapping: dict[str, int | None],
    programme: Programme,
    by,
    versions: dict[str, int] | None = None,
) -> tuple[int, ImportCheck]:
    """Save every row, or none. Checks again first; with `versions` (from the preview the
    coordinator confirmed) a signal that changed since is refused (`check.stale`). Returns the
    number of signals created or changed (0 when nothing was saved) and the check."""
    check = import_check(sheet=sheet, mapping=mapping, programme=programme)
    if versions is not None:
        check.stale = _stale(versions, check)
    if not check.ok:
        return 0, check
    with transaction.atomic():
        # The programme first, then its signals (`signalling.signal_saves`).
        programmes_lock([programme.pk])
        if versions is not None:
            # The check ran before the rows were locked; look again now that they are.
            named = list(
                Signal.objects.select_for_update()
                .filter(pk__in=[int(pk) for pk in check.versions])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            check.stale = _stale(versions, ImportCheck(versions=signal_versions(named)))
            if check.stale:
                return 0, check
        themes = {
            fold(t.title): t
            for t in SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
        }
        for title in check.new_themes:
            theme = coordination.theme_create(programme=programme, by=by, title=title)
            themes[fold(theme.title)] = theme
        row_number = 0
        try:
            for row in check.rows:
                row_number = row.row
                signal = lifecycle.signal_import(
                    community=row.community,
                    by=by,
                    state=row.state,
                    theme=themes.get(fold(row.theme_title)) if row.theme_title else None,
                    **row.fields,
                )
                if row.answer:
                    # Carried over from the sheet: the community heard it long ago.
                    lifecycle.signal_respond(
                        signal=signal,
                        by=by,
                        text=row.answer,
                        source=SignalResponse.Source.COORDINATOR,
                        notify=False,
                        # Not sent now, so not checked again; an answer the file adds to an
                        # existing signal is sent, and passes the personal-data guard.
                        guard_confirmed=True,
                    )
            for change in check.changes:
                row_number = change.row
                _apply(change, by=by, themes=themes)
        except ValidationError as error:
            # A rule only the lifecycle knows; roll everything back and say which row.
            transaction.set_rollback(True)
            check.rows, check.changes = [], []
            check.problems = [RowProblem(row_number, " ".join(error.messages))]
            return 0, check
        audit(
            actor=by,
            verb="venster.import",
            obj=programme,
            file=sheet.name,
            sha256=sheet.sha256,
            created=len(check.rows),
            changed=[change.signal.pk for change in check.changes],
            unchanged=check.unchanged,
        )
    return len(check.rows) + len(check.changes), check


def _stale(versions: dict[str, int], check: ImportCheck) -> list[int]:
    """Signals whose history grew since the preview, and signals the preview named that the
    file no longer does (or the other way round)."""
    return sorted(
        int(pk)
        for pk in set(versions) | set(check.versions)
        if versions.get(pk) != check.versions.get(pk)
    )


def _apply(change: ChangedRow, *, by, themes: dict[str, SignalTheme]) -> None:
    """One existing signal, step by step as on its page."""
    signal = change.signal
    if change.fields:
        lifecycle.signal_edit_details(signal=signal, by=by, source="import", **change.fields)
    if change.theme_title is not None:
        theme = themes.get(fold(change.theme_title)) if change.theme_title else None
        lifecycle.signal_set_theme(signal=signal, by=by, theme=theme)
    answered = False
    if change.state == State.IN_PROGRESS:
        lifecycle.signal_triage(signal=signal, by=by)
    elif change.state == State.KNOWN:
        lifecycle.signal_mark_known(signal=signal, by=by, theme=signal.theme)
    elif change.state == State.RESOLVED:
        lifecycle.signal_resolve(signal=signal, by=by, answer=change.answer)
        answered = True
    elif change.state == State.BACK_TO_COMMUNITY:
        lifecycle.signal_back_to_community(signal=signal, by=by, answer=change.answer)
        answered = True
    elif change.state == State.NO_FOLLOW_UP:
        lifecycle.signal_close_no_follow_up(signal=signal, by=by, reason=change.answer)
        answered = True
    if change.answer and not answered:
        lifecycle.signal_respond(
            signal=signal, by=by, text=change.answer, source=SignalResponse.Source.COORDINATOR
        )
