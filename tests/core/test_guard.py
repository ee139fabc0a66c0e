"""The one personal-data guard (leerkring.core.guard), measured on a labelled set of
Dutch texts written for it (tests/core/data/personal_data_nl.txt). docs/privacy.md reports the
figures this test prints and holds the guard to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leerkring.core import guard

DATA = Path(__file__).parent / "data" / "personal_data_nl.txt"
MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


def labelled() -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Each text with its marked spans (kind, start, end), the marks removed."""
    items = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, spans, position = "", [], 0
        for match in MARK.finditer(line):
            text += line[position : match.start()]
            start = len(text)
            text += match.group(2)
            spans.append((match.group(1), start, len(text)))
            position = match.end()
        items.append((text + line[position:], spans))
    return items


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def measure() -> tuple[float, float, dict[str, tuple[int, int]]]:
    """Precision over findings (a finding is right when it overlaps marked personal data) and
    recall over marked spans (found when a finding overlaps it), per kind too."""
    right = wrong = 0
    per_kind: dict[str, list[int]] = {}
    for text, spans in labelled():
        findings = guard.scan(text)
        for finding in findings:
            if any(overlaps(finding.start, finding.end, s, e) for _k, s, e in spans):
                right += 1
            else:
                wrong += 1
        for kind, start, end in spans:
            found = any(overlaps(start, end, f.start, f.end) for f in findings)
            per_kind.setdefault(kind, [0, 0])
            per_kind[kind][0] += found
            per_kind[kind][1] += 1
    found = sum(n for n, _total in per_kind.values())
    total = sum(t for _n, t in per_kind.values())
    return right / (right + wrong), found / total, {k: tuple(v) for k, v in per_kind.items()}


def test_the_labelled_set_has_personal_data_of_every_kind_and_plenty_without():
    items = labelled()
    kinds = {kind for _text, spans in items for kind, _s, _e in spans}
    assert kinds == {"name", "phone", "email", "bsn", "birth_date", "address"}
    assert sum(1 for _text, spans in items if not spans) >= 80


def test_it_finds_personal_data_reliably_on_the_labelled_set():
    precision, recall, per_kind = measure()
    print(f"precision {precision:.3f}, recall {recall:.3f}, per kind {per_kind}")
    assert precision >= 0.9
    assert recall >= 0.9
    found, total = per_kind["name"]
    assert found / total >= 0.9, "names are found without a form of address too"
    for kind in ("bsn", "phone", "email", "birth_date", "address"):
        assert per_kind[kind][0] == per_kind[kind][1], kind


@pytest.mark.parametrize(
    "text, name",
    [
        ("In de verhalen noemde iemand mevrouw El Amrani bij naam.", "El Amrani"),
        ("Ik sprak met Fatima Yilmaz over haar inburgering.", "Fatima Yilmaz"),
        ("Het ontheffingsverzoek van Ahmed werd afgewezen.", "Ahmed"),
        ("De klantmanager Jan de Vries bracht de casus in.", "Jan de Vries"),
    ],
)
def test_it_finds_names_with_and_without_a_form_of_address(text, name):
    assert [(f.kind, f.text) for f in guard.scan(text)] == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Pas na zes maanden kwam er een besluit.",
        "Bank opent geen rekening zonder identiteitsbewijs.",
        "Nieuwkomers in Den Haag en Goes krijgen sneller een woning.",
        "Zaaknummer 290900744 is in behandeling.",
    ],
)
def test_it_leaves_everyday_words_places_and_case_numbers_alone(text):
    assert guard.scan(text) == []


def test_check_refuses_until_the_sharer_confirms():
    fields = {"title": "Wachttijd", "text": "Mevrouw El Amrani wacht al maanden."}
    with pytest.raises(guard.PersonalDataFound) as caught:
        guard.check(fields, confirmed=False)
    assert [(f.field, f.text) for f in caught.value.findings] == [("text", "El Amrani")]
    assert [f.text for f in guard.check(fields, confirmed=True)] == ["El Amrani"]
    assert guard.check({"text": "Een cliënt wacht al maanden."}, confirmed=False) == []


def test_the_highlight_escapes_the_text_and_marks_each_finding():
    text = "<b>Bel</b> 06-12345678"
    html = guard.highlight(text, guard.scan(text))
    assert "&lt;b&gt;" in html
    assert '<mark class="lk-guard-hit"' in html and "06-12345678</mark>" in html
