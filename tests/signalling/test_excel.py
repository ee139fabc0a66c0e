"""Import of an existing venster sheet (XLSX/CSV): mapping, preview, row report, all or nothing;
export of the filtered view with formula injection escaped; the round trip."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from leerkring.signalling import excel
from leerkring.signalling.models import Signal, SignalEvent, SignalResponse, SignalTheme
from tests.factories import SignalFactory, SignalThemeFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["Titel", "Omschrijving", "Datum", "Gemeenschap", "Status", "Hoofdvraagstuk"]


def _xlsx(rows, headings=HEADINGS, name="venster.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _csv(text, name="venster.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _row(world, title="Wachtlijst taalschool", **kwargs):
    values = {
        "description": "Inburgeraars wachten maanden op een plek.",
        "date": "12-03-2024",
        "community": world.community.name,
        "state": "In behandeling",
        "theme": "Wachttijden",
    }
    values.update(kwargs)
    return [
        title,
        values["description"],
        values["date"],
        values["community"],
        values["state"],
        values["theme"],
    ]


def _upload(client, world, upload):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:venster_import", args=[world.programme.slug]), {"file": upload}
    )
    return response


def _token(response):
    match = re.search(r"/venster/import/([a-f0-9]{32})/", response["Location"])
    return match.group(1)


def _mapping_data(**override):
    data = {name: str(i) for i, (name, _label) in enumerate(excel.FIELDS) if i < len(HEADINGS)}
    data.update(override)
    return data


def _map_url(world, token):
    return reverse("signalling:venster_import_map", args=[world.programme.slug, token])


def test_import_happy_path_maps_previews_checks_and_saves_everything(client, world):
    rows = [_row(world), _row(world, "Geen kinderopvang", theme="Kinderopvang", state="Nieuw")]
    response = _upload(client, world, _xlsx(rows))
    assert response.status_code == 302
    token = _token(response)
    page = client.get(_map_url(world, token))
    body = page.content.decode()
    assert "Wachtlijst taalschool" in body  # the preview
    assert page.context["form"]["title"].value() == "0"  # guessed from the heading
    check = client.post(_map_url(world, token), _mapping_data())
    assert check.context["check"].ok
    assert Signal.objects.count() == 0  # checking saves nothing
    done = client.post(_map_url(world, token), {**_mapping_data(), "confirm": "1"})
    assert done.status_code == 302
    signals = Signal.objects.order_by("title")
    assert [s.title for s in signals] == ["Geen kinderopvang", "Wachtlijst taalschool"]
    first = signals.get(title="Wachtlijst taalschool")
    assert first.state == Signal.State.IN_PROGRESS
    assert first.raised_on.isoformat() == "2024-03-12"
    assert first.theme.title == "Wachttijden"
    assert first.passed_on_at is not None
    assert first.events.filter(kind=SignalEvent.Kind.CREATED, data__source="import").exists()
    assert set(SignalTheme.objects.values_list("title", flat=True)) == {
        "Wachttijden",
        "Kinderopvang",
    }
    assert not list(excel.upload_directory().glob(f"{token}.*"))  # the upload is removed


def test_csv_with_semicolons_and_dutch_labels_is_read(client, world):
    text = (
        "Titel;Omschrijving;Datum;Gemeenschap;Status\n"
        f"Tolk ontbreekt;Geen tolk bij intake.;2024-01-05;{world.community.name};Opgelost\n"
    )
    token = _token(_upload(client, world, _csv(text)))
    unconfirmed = client.post(_map_url(world, token), {**_mapping_data(theme=""), "confirm": "1"})
    assert "Bekijk eerst het overzicht" in unconfirmed.content.decode()  # no preview seen yet
    assert not Signal.objects.exists()
    client.post(_map_url(world, token), {**_mapping_data(theme=""), "confirm": "1"})
    signal = Signal.objects.get()
    assert signal.state == Signal.State.RESOLVED


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("venster.xlsx", b"this is not a workbook"), "kan niet worden gelezen"),
        (SimpleUploadedFile("venster.pdf", b"%PDF-1.4"), "Kies een Excel-bestand"),
        (SimpleUploadedFile("leeg.csv", b""), "leeg"),
        (SimpleUploadedFile("kop.csv", b"Titel;Omschrijving\n"), "alleen kolomnamen"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message(client, world, upload, message):
    response = _upload(client, world, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not list(excel.upload_directory().glob("*"))


def test_a_huge_file_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(excel.files, "MAX_BYTES", 100)
    response = _upload(client, world, _csv("Titel;Omschrijving\n" + "a;b\n" * 100))
    assert "Dit bestand is 0,1 MB; het maximum is 0,0 MB." in response.content.decode()


def test_too_many_rows_are_refused(client, world, monkeypatch):
    monkeypatch.setattr(excel.files, "MAX_ROWS", 3)
    response = _upload(client, world, _csv("Titel;Omschrijving\n" + "a;b\n" * 5))
    assert "meer dan 3 regels" in response.content.decode()


def test_one_bad_row_saves_nothing_and_every_bad_row_is_reported(client, world):
    SignalFactory(
        community=world.community,
        passed=True,
        title="Bestaat al",
        description="Inburgeraars wachten maanden op een plek.",
        raised_on="2024-03-12",
    )
    rows = [
        _row(world, "Goede regel"),  # row 2
        _row(world, "Onbekende gemeenschap", community="CoP Atlantis"),  # 3
        _row(world, "Slechte datum", date="31-02-2024"),  # 4
        _row(world, "Onbekende status", state="Misschien"),  # 5
        _row(world, ""),  # 6: empty title
        _row(world, "Goede regel"),  # 7: same as row 2
        _row(world, "Bestaat al"),  # 8: already in the venster
    ]
    token = _token(_upload(client, world, _xlsx(rows)))
    response = client.post(_map_url(world, token), {**_mapping_data(), "confirm": "1"})
    assert response.status_code == 200
    assert Signal.objects.count() == 1  # only the one that was there
    assert not SignalTheme.objects.exists()
    problems = {p.row: p.message for p in response.context["check"].problems}
    assert set(problems) == {3, 4, 5, 6, 7, 8}
    assert "CoP Atlantis" in problems[3] and "bestaat niet" in problems[3]
    assert "geen geldige datum" in problems[4]
    assert "Misschien" in problems[5] and "onbekend" in problems[5]
    assert "titel is leeg" in problems[6]
    assert "gelijk aan regel 2" in problems[7]
    assert "staat al in het venster" in problems[8]
    body = response.content.decode()
    assert "Er is niets opgeslagen" in body


def test_mapping_one_column_twice_is_refused(client, world):
    token = _token(_upload(client, world, _xlsx([_row(world)])))
    response = client.post(_map_url(world, token), _mapping_data(description="0"))
    assert "al gekozen" in response.content.decode()


def test_someone_elses_upload_cannot_be_opened(client, world):
    token = _token(_upload(client, world, _xlsx([_row(world)])))
    other = world.other_coordinator
    from leerkring.accounts.models import ProgrammeRole
    from tests.factories import ProgrammeRoleFactory

    ProgrammeRoleFactory(
        programme=world.programme, person=other.person, role=ProgrammeRole.Role.COORDINATOR
    )
    client.force_login(other)
    response = client.get(_map_url(world, token))
    assert response.status_code == 302  # back to step one, with a message


def test_old_uploads_are_removed():
    directory = excel.upload_directory()
    old = directory / ("a" * 32 + ".csv")
    old.write_text("x")
    import os
    import time

    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert excel.uploads_clean() == 1
    assert not old.exists()


def test_export_keeps_formula_like_text_as_text(client, world):
    SignalFactory(
        community=world.community,
        passed=True,
        title='=HYPERLINK("http://x")',
        description="+31 6 ... @home -1",
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("signalling:venster_export", args=[world.programme.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0][:4]] == ["Titel", "Omschrijving", "Datum", "Gemeenschap"]
    title, description, raised_on = rows[1][:3]
    assert title.value == '=HYPERLINK("http://x")'
    assert description.value == "+31 6 ... @home -1"
    assert title.data_type == description.data_type == "s"
    assert title.quotePrefix and description.quotePrefix
    assert raised_on.is_date and raised_on.number_format == "DD-MM-YYYY"


def test_export_follows_the_venster_filters_and_leaves_out_drafts(client, world):
    SignalFactory(community=world.community, passed=True, title="Nieuw signaal")
    SignalFactory(
        community=world.community,
        passed=True,
        state=Signal.State.RESOLVED,
        title="Opgelost signaal",
    )
    SignalFactory(community=world.community, title="Concept")
    client.force_login(world.coordinator)
    url = reverse("signalling:venster_export", args=[world.programme.slug]) + "?state=resolved"
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Opgelost signaal"]


def test_an_export_imported_again_gives_the_same_signals(client, world):
    """Round trip: export programme P, import the file into a fresh programme with the same
    community names, and compare field by field."""
    from leerkring.accounts.models import ProgrammeRole
    from tests.factories import CommunityFactory, ProgrammeFactory, ProgrammeRoleFactory

    theme = SignalThemeFactory(programme=world.programme, title="Wachttijden")
    originals = [
        SignalFactory(
            community=world.community,
            passed=True,
            state=Signal.State.IN_PROGRESS,
            theme=theme,
            title="Wachtlijst",
            description="Lang wachten op de taalschool.",
            raised_on="2024-02-01",
            topic_category="procedures",
            subtopic="Wachttijden",
            solution_level="regional",
        ),
        SignalFactory(
            community=world.sibling,
            passed=True,
            state=Signal.State.KNOWN,
            title="-1 uur les",
            description="=SUM(A1) is geen formule",
            raised_on="2024-05-06",
            topic_category="life_domains",
            subtopic="Kinderopvang",
            solution_level="national",
        ),
    ]
    from leerkring.signalling import lifecycle

    lifecycle.signal_respond(
        signal=originals[0],
        by=world.coordinator,
        text="We nemen het mee naar het LCC.",
        source="coordinator",
    )
    for signal in originals:
        signal.refresh_from_db()
    client.force_login(world.coordinator)
    exported = client.get(reverse("signalling:venster_export", args=[world.programme.slug])).content

    target = ProgrammeFactory(slug="doel")
    for community in (world.community, world.sibling):
        CommunityFactory(programme=target, name=community.name)
    ProgrammeRoleFactory(
        programme=target, person=world.coordinator.person, role=ProgrammeRole.Role.COORDINATOR
    )
    from leerkring.communities.permissions import forget_access

    forget_access(world.coordinator)
    response = client.post(
        reverse("signalling:venster_import", args=[target.slug]),
        {"file": SimpleUploadedFile("export.xlsx", exported)},
    )
    token = re.search(r"/venster/import/([a-f0-9]{32})/", response["Location"]).group(1)
    url = reverse("signalling:venster_import_map", args=[target.slug, token])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _label in excel.IMPORT_FIELDS}
    assert all(data[name] != "" for name, _label in excel.IMPORT_FIELDS)  # every heading known
    # The numbers name programme P's signals: in this programme they do not exist.
    refused = client.post(url, data).context["check"]
    assert {p.message for p in refused.problems} == {
        f"Signaal {s.pk} bestaat niet in dit programma." for s in originals
    }
    # Without the number column every row is a new signal.
    data["number"] = ""
    client.post(url, data)
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302, response.context["check"].problems

    def key(signal):
        answers = list(signal.responses.values_list("text", flat=True))
        return (
            signal.title,
            signal.description,
            signal.raised_on,
            signal.community.name,
            signal.state,
            signal.theme.title if signal.theme else None,
            signal.topic_category,
            signal.solution_level,
            answers[-1:],
        )

    assert sorted(key(s) for s in Signal.objects.filter(community__programme=target)) == sorted(
        key(s) for s in originals
    )
    assert SignalResponse.objects.filter(signal__community__programme=target).count() == 1
