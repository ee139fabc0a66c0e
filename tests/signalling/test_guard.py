"""The personal-data guard: what it flags before a signal leaves the community, and what it
must leave alone (realistic Dutch sentences)."""

from __future__ import annotations

import pytest

from leerkring.signalling import guard


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in guard.scan(text)]


@pytest.mark.parametrize(
    "digits, valid",
    [("111222333", True), ("123456782", True), ("123456789", False), ("000000000", False)],
)
def test_the_eleven_test(digits, valid):
    assert guard.passes_eleven_test(digits) is valid


@pytest.mark.parametrize(
    "text, hit",
    [
        ("Het BSN van de cliënt is 111222333, graag nakijken.", "111222333"),
        ("Zie dossier met bsn 123.456.782 voor de details.", "123.456.782"),
        ("BSN: 123 456 782", "123 456 782"),
        ("(burgerservicenummer 1234.56.782)", "1234.56.782"),
    ],
)
def test_it_flags_a_bsn_in_its_usual_notations(text, hit):
    assert kinds(text) == [("bsn", hit)]


@pytest.mark.parametrize(
    "text",
    [
        "Het nummer 123456789 haalt de elfproef niet.",
        "In 2023 kwamen 123 mensen naar de informatiebijeenkomst.",
        "Zaaknummer 2023-045678 is nog niet afgehandeld.",
        "Kenmerk Z/2023/111222333 staat in de brief.",
        "Het IBAN NL91ABNA0417164300 hoort bij de gemeente.",
        "Sinds 1 januari 2022 geldt de Wet inburgering 2021.",
        "De bijeenkomst van 12-03-2024 ging over wachttijden.",
        "Mevrouw vertelde dat ze al drie maanden wacht.",
        "De heer des huizes en meneer de wethouder waren er niet.",
        "Ongeveer 40% van de statushouders heeft werk binnen 2,5 jaar.",
        "Bel de servicelijn 0800-1234 of 0900-1234567 voor vragen.",
    ],
)
def test_it_leaves_ordinary_sentences_alone(text):
    assert kinds(text) == []


def test_it_asks_to_check_a_postcode_and_street_with_a_house_number():
    """An address can be someone's home; the explanation says to check when it is the
    address of an organisation."""
    assert [kind for kind, _text in kinds("De taalschool zit op 1012 AB Amsterdam.")] == ["address"]
    assert kinds("Ze woont nu op de Kerkstraat 12 in Goes.") == [("address", "Kerkstraat 12")]


@pytest.mark.parametrize(
    "text, hit",
    [
        ("Bel haar op 06-12345678 als het niet lukt.", "06-12345678"),
        ("Mobiel: 06 1234 5678", "06 1234 5678"),
        ("Zijn nummer is +31 6 12345678.", "+31 6 12345678"),
        ("Bereikbaar via +31 (0)6 12 34 56 78", "+31 (0)6 12 34 56 78"),
        ("Vast nummer 020-1234567 (alleen ochtenden)", "020-1234567"),
        ("Via 0031 20 123 4567 bereikbaar", "0031 20 123 4567"),
        ("Het wijkteam: (010) 123 4567.", "(010) 123 4567"),
        ("Telefoon 0612345678", "0612345678"),
    ],
)
def test_it_flags_dutch_phone_numbers(text, hit):
    assert kinds(text) == [("phone", hit)]


def test_it_flags_an_email_address_and_not_also_a_phone_number_inside_it():
    assert kinds("Mail naar a.el-amrani@gemeente-apeldoorn.nl voor het dossier.") == [
        ("email", "a.el-amrani@gemeente-apeldoorn.nl")
    ]


@pytest.mark.parametrize(
    "text, hit",
    [
        ("De jongen, geboren op 3 maart 2007, mag nog niet werken.", "3 maart 2007"),
        ("Cliënt (geb. 12-03-1985) heeft geen plek.", "12-03-1985"),
        ("Geboortedatum: 1985-03-12", "1985-03-12"),
        ("geb. 4 sept. 1990 in Eritrea", "4 sept. 1990"),
        ("Geboren 01/02/2001.", "01/02/2001"),
    ],
)
def test_it_flags_a_date_of_birth(text, hit):
    assert kinds(text) == [("birth_date", hit)]


def test_a_date_without_a_word_about_birth_is_not_flagged():
    # Signals name dates of meetings and laws all the time; see the module docstring.
    assert kinds("Op 12-03-1985 werd de regeling ingevoerd.") == []


@pytest.mark.parametrize(
    "text, hit",
    [
        ("Mevrouw Jansen wacht al een half jaar.", "Jansen"),
        ("Gesprek met dhr. A.B. van der Berg over zijn PIP.", "A.B. van der Berg"),
        ("Mw. El Amrani heeft geen kinderopvang.", "El Amrani"),
        ("De heer Yilmaz kan niet starten.", "Yilmaz"),
        ("mevr. Ahmadi-Karimi belde.", "Ahmadi-Karimi"),
        ("Volgens mr. De Vries klopt het besluit niet.", "De Vries"),
        ("Fam. Haddad woont nog op het AZC.", "Haddad"),
        ("Meneer Tesfay Gebremedhin vroeg om uitstel.", "Tesfay Gebremedhin"),
    ],
)
def test_it_flags_a_name_after_a_form_of_address(text, hit):
    assert kinds(text) == [("name", hit)]


def test_several_findings_come_in_reading_order_with_their_field_and_explanation():
    text = "Mevrouw Jansen (BSN 111222333) is bereikbaar op 06-12345678."
    findings = guard.scan(text, field="description")
    assert [f.kind for f in findings] == ["name", "bsn", "phone"]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.field == "description"
        assert finding.explanation
    assert "elfproef" in findings[1].explanation


def test_scan_signal_marks_which_field_a_finding_is_in():
    findings = guard.scan_signal("Mevrouw Jansen", "Bel 06-12345678")
    assert [(f.field, f.kind) for f in findings] == [("title", "name"), ("description", "phone")]


def test_highlight_escapes_the_text_and_marks_the_hits():
    text = "<b>BSN</b> 111222333"
    html = guard.highlight(text, guard.scan(text))
    assert "&lt;b&gt;" in html
    assert '<mark class="lk-guard-hit"' in html
    assert "111222333</mark>" in html
