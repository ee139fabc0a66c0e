"""The venster survives a spreadsheet round trip (issue 12 §7): export, edit in a spreadsheet
program (here openpyxl on the real export), import again — the rows named by their "Nummer"
update those signals through the lifecycle, new rows are added, unchanged rows are no
duplicates, and nothing is saved until the coordinator confirms the preview they saw."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from leerkring.core.models import AuditEvent
from leerkring.signalling import lifecycle
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse
from tests.factories import SignalFactory, SignalThemeFactory

pytestmark = pytest.mark.django_db

NUMBER_COLUMN = 11  # "Nummer", 1-based, after the ten fields


def _export(client, world) -> bytes:
    client.force_login(world.coordinator)
    response = client.get(reverse("signalling:venster_export", args=[world.programme.slug]))
    assert response.status_code == 200
    return response.content


def _edit(content: bytes, change) -> bytes:
    """Open the export as a spreadsheet program would, let `change` edit it, save it again."""
    workbook = load_workbook(io.BytesIO(content))
    change(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row_of(sheet, number: int) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=NUMBER_COLUMN).value == number:
            return row
    raise AssertionError(f"signal {number} not in the export")


def _heading_column(sheet, heading: str) -> int:
    for cell in sheet[1]:
        if cell.value == heading:
            return cell.column
    raise AssertionError(heading)


class Import:
    """Upload, preview and confirm through the pages, as the coordinator does."""

    def __init__(self, client, world, content: bytes, programme=None):
        self.client = client
        self.programme = programme or world.programme
        client.force_login(world.coordinator)
        response = client.post(
            reverse("signalling:venster_import", args=[self.programme.slug]),
            {"file": SimpleUploadedFile("venster-bewerkt.xlsx", content)},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        token = re.search(r"/venster/import/([a-f0-9]{32})/", response["Location"]).group(1)
        self.url = reverse("signalling:venster_import_map", args=[self.programme.slug, token])
        form = client.get(self.url).context["form"]
        self.mapping = {name: form[name].value() or "" for name in form.fields}

    def preview(self):
        return self.client.post(self.url, self.mapping)

    def confirm(self):
        return self.client.post(self.url, {**self.mapping, "confirm": "1"})


@pytest.fixture
def venster(world):
    theme = SignalThemeFactory(programme=world.programme, title="Wachttijden")
    first = SignalFactory(
        community=world.community,
        passed=True,
        state=Signal.State.IN_PROGRESS,
        theme=theme,
        title="Wachtlijst taalschool",
        raised_on="2024-02-01",
    )
    second = SignalFactory(
        community=world.sibling, passed=True, title="Geen kinderopvang", raised_on="2024-03-04"
    )
    third = SignalFactory(community=world.community, passed=True, title="Tolk ontbreekt")
    lifecycle.signal_respond(
        signal=first, by=world.coordinator, text="We zoeken het uit.", source="coordinator"
    )
    return first, second, third


def test_an_edited_export_shows_new_changed_unchanged_and_bad_rows_then_saves_on_confirm(
    client, world, venster
):
    first, second, third = venster
    elsewhere = SignalFactory(community=world.foreign, passed=True, title="Elders")

    def change(sheet):
        sheet.cell(
            row=_row_of(sheet, first.pk), column=1
        ).value = "Wachtlijst taalschool Doetinchem"
        new = [""] * 13
        new[:5] = ["Vervoer naar les", "Geen bus naar de taalschool.", "", world.community.name, ""]
        sheet.append(new)  # a new signal: no number
        bad = [""] * 13
        bad[:4] = ["Van een ander programma", "Tekst.", "", world.community.name]
        bad[NUMBER_COLUMN - 1] = elsewhere.pk
        sheet.append(bad)

    content = _edit(_export(client, world), change)
    run = Import(client, world, content)
    assert run.mapping["number"] != ""  # "Nummer" is recognised
    check = run.preview().context["check"]
    assert (len(check.rows), len(check.changes), check.unchanged) == (1, 1, 2)
    assert [(p.row, p.message) for p in check.problems] == [
        (6, f"Signaal {elsewhere.pk} bestaat niet in dit programma.")
    ]
    refused = run.confirm()
    assert refused.status_code == 200
    assert Signal.objects.filter(title="Vervoer naar les").count() == 0
    first.refresh_from_db()
    assert first.title == "Wachtlijst taalschool"  # all or nothing
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Elders"

    # Fixed: the bad row taken out of the same edited file.
    def drop_bad(sheet):
        sheet.delete_rows(sheet.max_row)

    run = Import(client, world, _edit(content, drop_bad))
    page = run.preview()
    check = page.context["check"]
    assert check.ok and not check.problems
    assert (len(check.rows), len(check.changes), check.unchanged) == (1, 1, 2)
    (changed,) = check.changes
    assert changed.signal.pk == first.pk
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Titel", "Wachtlijst taalschool", "Wachtlijst taalschool Doetinchem")
    ]
    body = page.content.decode()
    assert "Wachtlijst taalschool Doetinchem" in body and 'id="import-changes"' in body
    events_before = SignalEvent.objects.count()

    done = run.confirm()
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.title == "Wachtlijst taalschool Doetinchem"
    text_event = first.events.get(kind=SignalEvent.Kind.TEXT)
    assert text_event.data == {"fields": ["title"], "source": "import"}
    assert text_event.actor == world.coordinator
    new = Signal.objects.get(title="Vervoer naar les")
    assert new.community == world.community and new.state == Signal.State.NEW
    assert new.events.filter(kind=SignalEvent.Kind.CREATED, data__source="import").exists()
    # Only the changed and the new signal got history; the two unchanged rows none.
    assert SignalEvent.objects.count() == events_before + 2
    assert not second.events.exists() and not third.events.exists()
    audit = AuditEvent.objects.get(verb="venster.import")
    assert audit.data["created"] == 1 and audit.data["changed"] == [first.pk]


def test_a_state_step_from_the_sheet_goes_through_the_lifecycle_with_its_answer(
    client, world, venster
):
    first, second, _third = venster

    def change(sheet):
        state = _heading_column(sheet, "Status")
        answer = _heading_column(sheet, "Antwoord")
        theme = _heading_column(sheet, "Hoofdvraagstuk")
        row = _row_of(sheet, first.pk)
        sheet.cell(row=row, column=state).value = "Opgelost"
        sheet.cell(row=row, column=answer).value = "De taalschool heeft extra klassen."
        row = _row_of(sheet, second.pk)
        sheet.cell(row=row, column=theme).value = "Kinderopvang"

    run = Import(client, world, _edit(_export(client, world), change))
    check = run.preview().context["check"]
    assert not check.problems
    assert check.new_themes == ["Kinderopvang"]
    assert run.confirm().status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Signal.State.RESOLVED
    assert first.responses.order_by("pk").last().text == "De taalschool heeft extra klassen."
    assert first.events.filter(
        kind=SignalEvent.Kind.STATE, from_state="in_progress", to_state="resolved"
    ).exists()
    # The answer went with the step, not a second time on its own.
    assert SignalResponse.objects.filter(signal=first).count() == 2
    assert second.theme.title == "Kinderopvang"
    assert second.events.filter(kind=SignalEvent.Kind.THEME).exists()


@pytest.mark.parametrize(
    ("state", "answer", "message"),
    [
        ("Opgelost", None, "schrijf een nieuw antwoord in de kolom Antwoord"),
        ("Nieuw", None, "kan niet van ‘In behandeling’ naar ‘Nieuw’"),
        ("Opgeschaald naar het LCC", None, "gaat op de pagina van het signaal"),
        (None, "", "kan niet worden weggehaald"),
    ],
)
def test_a_change_the_lifecycle_would_refuse_is_a_row_error(
    client, world, venster, state, answer, message
):
    first = venster[0]

    def change(sheet):
        row = _row_of(sheet, first.pk)
        if state is not None:
            sheet.cell(row=row, column=_heading_column(sheet, "Status")).value = state
        if answer is not None:
            sheet.cell(row=row, column=_heading_column(sheet, "Antwoord")).value = answer or None

    content = _edit(_export(client, world), change)
    run = Import(client, world, content)
    check = run.preview().context["check"]
    assert [p.row for p in check.problems] == [
        _row_of(load_workbook(io.BytesIO(content)).active, first.pk)
    ]
    assert message in check.problems[0].message
    assert not check.ok


def test_a_number_that_is_unknown_a_draft_or_elsewhere_gets_the_same_words(client, world, venster):
    draft = SignalFactory(community=world.community, title="Nog een concept")
    elsewhere = SignalFactory(community=world.foreign, passed=True)
    unknown = max(draft.pk, elsewhere.pk) + 1000

    def change(sheet):
        for number in (draft.pk, elsewhere.pk, unknown, "twaalf"):
            row = [""] * 13
            row[:4] = ["Titel", "Omschrijving.", "", world.community.name]
            row[NUMBER_COLUMN - 1] = number
            sheet.append(row)

    run = Import(client, world, _edit(_export(client, world), change))
    messages = [p.message for p in run.preview().context["check"].problems]
    assert messages == [
        f"Signaal {draft.pk} bestaat niet in dit programma.",
        f"Signaal {elsewhere.pk} bestaat niet in dit programma.",
        f"Signaal {unknown} bestaat niet in dit programma.",
        "Nummer ‘twaalf’ is geen getal.",
    ]
    draft.refresh_from_db()
    assert draft.title == "Nog een concept"


def test_a_number_twice_in_the_file_is_a_row_error(client, world, venster):
    first = venster[0]

    def change(sheet):
        row = [cell.value for cell in sheet[_row_of(sheet, first.pk)]]
        row[0] = "Andere titel"
        sheet.append(row)

    content = _edit(_export(client, world), change)
    original_row = _row_of(load_workbook(io.BytesIO(content)).active, first.pk)
    run = Import(client, world, content)
    problems = run.preview().context["check"].problems
    assert [(p.row, p.message) for p in problems] == [
        (5, f"Nummer {first.pk} staat ook op regel {original_row}.")
    ]


def test_a_stale_preview_is_refused_and_the_new_one_can_be_confirmed(client, world, venster):
    first, second, _third = venster

    def change(sheet):
        sheet.cell(row=_row_of(sheet, first.pk), column=1).value = "Nieuwe titel"

    run = Import(client, world, _edit(_export(client, world), change))
    assert run.preview().context["check"].ok
    # Someone else changes a signal the file names after the preview was seen.
    lifecycle.signal_edit_text(signal=second, by=world.coordinator, title="Door een ander")
    refused = run.confirm()
    assert refused.status_code == 200
    assert f"Signaal {second.pk} is gewijzigd sinds je het overzicht bekeek" in (
        refused.content.decode()
    )
    first.refresh_from_db()
    assert first.title == "Wachtlijst taalschool"
    # The page shows the new preview: the other person's title would be set back.
    check = refused.context["check"]
    assert {c.signal.pk for c in check.changes} == {first.pk, second.pk}
    assert run.confirm().status_code == 302
    first.refresh_from_db()
    assert first.title == "Nieuwe titel"


def test_changing_the_columns_after_the_preview_asks_for_a_new_preview(client, world, venster):
    first = venster[0]

    def change(sheet):
        sheet.cell(row=_row_of(sheet, first.pk), column=1).value = "Nieuwe titel"

    run = Import(client, world, _edit(_export(client, world), change))
    run.preview()
    run.mapping["answer"] = ""
    response = run.confirm()
    assert "Bekijk eerst het overzicht" in response.content.decode()
    first.refresh_from_db()
    assert first.title == "Wachtlijst taalschool"


def test_a_demo_size_venster_comes_back_unchanged(client, world):
    """331 signals, as in the demo: exported and imported without an edit, nothing changes and
    nothing is refused as a duplicate."""
    theme = SignalThemeFactory(programme=world.programme, title="Wachttijden")
    communities = [world.community, world.sibling]
    states = [Signal.State.NEW, Signal.State.IN_PROGRESS, Signal.State.RESOLVED]
    Signal.objects.bulk_create(
        [
            Signal(
                community=communities[i % 2],
                programme=world.programme,
                title=f"=Signaal {i}" if i % 50 == 0 else f"Signaal {i}",
                description=f"Omschrijving {i}\nmet een tweede regel.",
                raised_on=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                state=states[i % 3],
                theme=theme if i % 4 == 0 else None,
                topic_category="procedures" if i % 3 else "",
                subtopic="Wachttijden" if i % 6 == 1 else "",
                solution_level=["local", "regional", "national"][i % 3],
                passed_on_at="2024-06-01T10:00:00Z",
            )
            for i in range(331)
        ]
    )
    run = Import(client, world, _export(client, world))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        page = run.preview()
    seconds = time.perf_counter() - started
    check = page.context["check"]
    assert not check.problems
    assert (len(check.rows), len(check.changes), check.unchanged) == (0, 0, 331)
    assert check.nothing_to_do and not check.ok
    assert "verandert niets" in page.content.decode()
    assert len(queries) < 40, len(queries)
    assert seconds < 10
    assert not SignalEvent.objects.exists()


@pytest.mark.parametrize("visitor", ["other_coordinator", "participant", "anonymous"])
def test_only_the_programmes_coordinators_reach_the_import(client, world, venster, visitor):
    run = Import(client, world, _export(client, world))
    client.logout()
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    urls = [reverse("signalling:venster_import", args=[world.programme.slug]), run.url]
    for url in urls:
        for response in (client.get(url), client.post(url, {**run.mapping, "confirm": "1"})):
            if visitor == "anonymous":
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("accounts:login"))
            else:
                assert response.status_code in (403, 404)
    assert not SignalEvent.objects.filter(kind=SignalEvent.Kind.TEXT).exists()
