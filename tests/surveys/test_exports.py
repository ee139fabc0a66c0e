"""CSV and XLSX exports: one row per response with codes and labels, the codebook, the same
counts as the results page, formula injection made inert, suppression kept."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leerkring.core.models import AuditEvent
from leerkring.surveys import exports
from leerkring.surveys.models import Answer, Response
from tests import factories
from tests.surveys.test_results import INJECTION, SATISFACTION, SCRIPT, build_known_wave


@pytest.fixture
def known(world):
    return build_known_wave(world)


def _csv(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(client, url, *, read_only=True):
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=read_only)


def _sheet_dicts(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _check_known_counts(rows: list[dict], known) -> None:
    """Every count the results page shows for the known wave, recounted from the rows."""
    assert len(rows) == 74
    assert sorted(int(r["respondent"]) for r in rows) == list(range(1, 75))
    satisfaction = Counter(str(r["V13"]) for r in rows)
    for code, _label, n in SATISFACTION:
        assert satisfaction.get(code, 0) == n
    labels = Counter(r["V13_label"] for r in rows)
    assert labels["Tevreden"] == 43 and labels["Zeer tevreden"] == 14
    for code, n in (("1", 50), ("2", 37), ("3", 10), ("4", 24), ("8", 1), ("5", 0)):
        assert sum(int(r[f"V4_{code}"]) for r in rows) == n
    assert all(str(r["V4_5"]) == "0" for r in rows)  # answered the question, not this option
    assert sum(int(r["V5_1"] or 0) for r in rows) == 50
    assert sum(1 for r in rows if r["V5_1"] in ("", None)) == 24  # did not answer V5
    first, second = (f"V9_{s.code}" for s in known.q["V9"].statements.all())
    assert Counter(int(r[first]) for r in rows) == {1: 15, 2: 15, 3: 15, 4: 15, 5: 14}
    assert Counter(int(r[second]) for r in rows) == {2: 74}
    communities = Counter(r["gemeenschap"] for r in rows)
    assert communities == {"CoP Achterhoek": 40, "(verborgen)": 34}
    assert Counter(r["V1_label"] for r in rows) == {"CoP Achterhoek": 40, "(verborgen)": 34}
    texts = sorted(r["V6"] for r in rows if r["V6"])
    assert texts == sorted(known.open_texts)


def test_the_csv_export_holds_every_count_of_the_known_wave(client, world, known):
    client.force_login(world.evaluator)
    rows = _csv(client, reverse("surveys:export_csv", args=[known.wave.pk]))
    _check_known_counts(rows, known)


def test_the_xlsx_export_holds_every_count_of_the_known_wave(client, world, known):
    client.force_login(world.coordinator)
    workbook = _xlsx(client, reverse("surveys:export_xlsx", args=[known.wave.pk]))
    assert workbook.sheetnames == ["Antwoorden", "Codeboek"]
    rows = _sheet_dicts(workbook["Antwoorden"])
    for row in rows:  # empty cells come back as None
        for key, value in row.items():
            row[key] = "" if value is None else value
    _check_known_counts(rows, known)


def test_respondent_numbers_are_not_in_the_order_responses_came_in(client, world, known):
    client.force_login(world.evaluator)
    rows = _csv(client, reverse("surveys:export_csv", args=[known.wave.pk]))
    # Responses were stored satisfaction code by code (14 × "1" first); numbered in storage
    # order, the first 14 rows would all be "1".
    first = [r["V13"] for r in rows[:14]]
    assert first != ["1"] * 14
    again = _csv(client, reverse("surveys:export_csv", args=[known.wave.pk]))
    assert [r["V13"] for r in again] == [r["V13"] for r in rows]  # stable per wave


def test_text_that_a_spreadsheet_would_run_is_inert_in_csv_and_xlsx(client, world, known):
    """CSV has no types, so the guard is an apostrophe; XLSX stores such text as a text cell
    (with the quote prefix), so the reader sees exactly what was typed and nothing runs."""
    client.force_login(world.evaluator)
    rows = _csv(client, reverse("surveys:export_csv", args=[known.wave.pk]))
    others = [r["V4_anders"] for r in rows if r["V4_anders"]]
    assert others == ["'" + INJECTION]
    workbook = _xlsx(client, reverse("surveys:export_xlsx", args=[known.wave.pk]), read_only=False)
    cells = [
        cell
        for row in workbook["Antwoorden"].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert [cell.value for cell in cells] == [INJECTION]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert SCRIPT in {r["V6"] for r in rows}  # stored and exported as it was typed


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tuitgelijnd", "'\tuitgelijnd"),
        ("\r=1", "'\r=1"),
        ("gewoon", "gewoon"),
        (5, 5),
    ],
)
def test_cell_safe(value, expected):
    assert exports.cell_safe(value) == expected


def test_labels_and_community_names_are_made_inert_too(client, world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    question = factories.QuestionFactory(questionnaire=questionnaire, code="V1")
    option = factories.OptionFactory(question=question, code="1", label="=cmd|' /C calc'!A0")
    world.community.name = "@Gemeente"
    world.community.save()
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for _ in range(5):
        response = Response.objects.create(wave=wave, community=world.community)
        Answer.objects.create(response=response, question=question, option=option)
    client.force_login(world.evaluator)
    rows = _csv(client, reverse("surveys:export_csv", args=[wave.pk]))
    assert {r["V1_label"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    assert {r["gemeenschap"] for r in rows} == {"'@Gemeente"}
    codebook = _csv(client, reverse("surveys:codebook_csv", args=[wave.pk]))
    assert "'=cmd|' /C calc'!A0" in {r["betekenis"] for r in codebook}


def test_the_codebook_lists_codes_texts_options_and_scale_values(client, world, known):
    client.force_login(world.evaluator)
    codebook = _csv(client, reverse("surveys:codebook_csv", args=[known.wave.pk]))
    assert list(codebook[0]) == exports.CODEBOOK_HEADER
    by_variable: dict[str, list[dict]] = {}
    for row in codebook:
        by_variable.setdefault(row["variabele"], []).append(row)
    assert {(r["waarde"], r["betekenis"]) for r in by_variable["V13"]} >= {
        ("1", "Zeer tevreden"),
        ("4", "Ontevreden"),
    }
    assert by_variable["V13"][0]["vraagtekst"].startswith("Hoe tevreden ben je")
    assert by_variable["V4_1"][0]["betekenis"].startswith("Meer inzicht in het werk")
    statement = known.q["V9"].statements.first()
    scale = {(r["waarde"], r["betekenis"]) for r in by_variable[f"V9_{statement.code}"]}
    assert ("1", "Helemaal eens") in scale and ("5", "Helemaal oneens") in scale
    assert ("", statement.text) in scale
    workbook = _xlsx(client, reverse("surveys:export_xlsx", args=[known.wave.pk]))
    sheet = _sheet_dicts(workbook["Codeboek"])
    assert len(sheet) == len(codebook)
    header = next(workbook["Antwoorden"].iter_rows(values_only=True))
    variables = {r["variabele"] for r in codebook}
    assert set(header) <= variables


def test_an_export_can_be_limited_to_a_community_that_may_be_shown(client, world, known):
    client.force_login(world.evaluator)
    url = reverse("surveys:export_csv", args=[known.wave.pk])
    rows = _csv(client, f"{url}?community={known.a.pk}")
    assert len(rows) == 40
    assert {r["gemeenschap"] for r in rows} == {"CoP Achterhoek"}
    for hidden in (known.b, known.c, world.foreign):
        assert client.get(f"{url}?community={hidden.pk}").status_code == 404
        xlsx = reverse("surveys:export_xlsx", args=[known.wave.pk])
        assert client.get(f"{xlsx}?community={hidden.pk}").status_code == 404


def test_a_wave_below_the_threshold_cannot_be_exported(client, world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for _ in range(4):
        Response.objects.create(wave=wave, community=world.community)
    client.force_login(world.evaluator)
    for name in ("surveys:export_csv", "surveys:export_xlsx"):
        response = client.get(reverse(name, args=[wave.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("surveys:results", args=[wave.pk])


def test_every_export_is_in_the_audit_history(client, world, known):
    client.force_login(world.evaluator)
    b"".join(client.get(reverse("surveys:export_csv", args=[known.wave.pk])).streaming_content)
    client.get(reverse("surveys:export_xlsx", args=[known.wave.pk]))
    events = AuditEvent.objects.filter(verb="wave.exported", object_id=known.wave.pk)
    assert sorted(e.data["format"] for e in events) == ["csv", "xlsx"]
    assert {e.actor_id for e in events} == {world.evaluator.pk}


def test_the_export_reads_answers_in_chunks(world, known, monkeypatch, django_assert_num_queries):
    """Memory stays flat: answers are read `CHUNK` responses at a time, so a wave of 20,000
    takes 20 reads of a thousand, never one of all."""
    monkeypatch.setattr(exports, "CHUNK", 10)
    layout = exports.export_layout(known.wave)
    with django_assert_num_queries(1 + 8):  # the responses, then 74 / 10 → 8 chunks
        rows = list(exports.export_rows(layout))
    assert len(rows) == 75
