"""The lexicon of the inburgering practice (`lexicon.toml`) and the Dutch analyser that reads it:
which words meet, which must not, and that PostgreSQL and SQLite give the same terms and the
same look-alikes."""

from __future__ import annotations

import pytest
from django.db import connection

from leerkring.signalling import analysis, similarity, thesaurus
from leerkring.signalling.models import Signal
from tests.factories import SignalFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL's own Dutch stemming"
)


def _meet(one: str, other: str) -> set[str]:
    """The concepts two texts share."""

    def concepts(text: str) -> set[str]:
        return {c for s in analysis.stems(text) for c in analysis.concepts_of(s)}

    return concepts(one) & concepts(other)


def _lexicon_words() -> list[str]:
    return sorted(
        {w for entries in thesaurus.CONCEPTS.values() for w in analysis.words(entries)}
        | set(thesaurus.ABBREVIATIONS)
    )


def test_the_lexicon_is_a_data_file_of_concepts_and_abbreviations(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[abbreviations]\nlbt = "leerbaarheidstoets"\n\n'
        '[concepts]\ntoets = """leerbaarheidstoets\n  leerbaarheid"""\n',
        encoding="utf-8",
    )
    abbreviations, concepts = thesaurus.load(path)
    assert abbreviations == {"lbt": "leerbaarheidstoets"}
    assert concepts == {"toets": "leerbaarheidstoets leerbaarheid"}
    assert len(thesaurus.CONCEPTS) >= 60


def test_each_word_belongs_to_one_concept():
    seen: dict[str, str] = {}
    for concept, entries in thesaurus.CONCEPTS.items():
        for word in entries.split():
            key = analysis.stem(word)
            assert seen.setdefault(key, concept) == concept, (word, seen[key], concept)


def test_generic_words_are_kept_out_of_the_lexicon():
    """A word that half of all signals use would link everything to everything; "opvang"
    would also make every "kinderopvang" an asylum centre."""
    for word in ("lang", "maand", "les", "werk", "kinderen", "opvang", "volgen", "gemeente"):
        assert analysis.concepts_of(analysis.stem(word)) == (), word
    assert "azc" not in analysis.concepts_of(analysis.stem("kinderopvang"))


@pytest.mark.parametrize(
    ("one", "other", "concept"),
    [
        ("De deurwaarder staat voor de deur", "Een stapel aanmaningen", "schuld"),
        ("Vrijstelling aangevraagd", "ontheffing van de inburgeringsplicht", "ontheffing"),
        ("Een vertaler was er niet", "geen tolk bij het gesprek", "tolk"),
        ("Veel absentie in de klas", "verzuim melden", "verzuim"),
        ("De taalcoach stopt", "taalmaatjes gezocht", "maatje"),
        ("Haalt B1 niet", "taalniveau A2", "taalniveau"),
        ("Inschrijving in de BRP", "geen burgerservicenummer", "brp"),
        ("Wachten op een huis", "wanneer krijgt hij de sleutel", "woning"),
        ("PVT nog niet gedaan", "participatieverklaring", "pvt"),
        ("LBT afgenomen", "de leerbaarheidstoets", "toets"),
        ("Het ONA-traject", "arbeidsmarktoriëntatie", "ona"),
    ],
)
def test_words_of_one_concept_meet(one, other, concept):
    assert concept in _meet(one, other)


def test_abbreviations_are_read_as_what_they_stand_for():
    assert analysis.stems("KNM") == analysis.stems("maatschappijkennis")
    assert analysis.stems("bsn") == analysis.stems("burgerservicenummer")
    assert analysis.stem("zroute") == analysis.stem("zelfredzaamheidsroute")


def test_a_lexicon_word_is_found_as_the_head_of_a_compound_as_written():
    """The stem of "taalschool" alone is "taalschol"; inside a compound it keeps its "oo"."""
    concepts = analysis.concepts_of(analysis.stem("taalschoolwachtlijst"))
    assert {"taalaanbieder", "wachten"} <= set(concepts)


@postgresql_only
@pytest.mark.django_db
def test_postgresql_stems_every_lexicon_word_as_the_analyser_does():
    """The concepts' words are asked for in PostgreSQL's index by their stems; a word whose
    lexeme differs would never find a candidate there."""
    differ = []
    with connection.cursor() as cursor:
        for word in _lexicon_words():
            cursor.execute("SELECT to_tsvector('dutch', %s)::text", [word])
            lexemes = similarity.parse_tsvector(cursor.fetchone()[0])
            stems = {analysis.lexeme_stem(x) for x in lexemes if analysis.lexeme_kept(x)}
            if stems != {analysis.stem(word)}:
                differ.append((word, analysis.stem(word), stems))
    assert differ == []


@postgresql_only
@pytest.mark.django_db
def test_postgresql_reads_a_text_as_the_same_stems():
    text = (
        "We moeten één keer per week naar de taalschool; de Z-route en de NT2-docenten "
        "komen niet, en wij mogen niet wachten op de PIP."
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('dutch', %s)::text", [text])
        lexemes = similarity.parse_tsvector(cursor.fetchone()[0])
    assert set(similarity.stems_of_lexemes(lexemes)) == set(analysis.stems(text))


CORPUS = [
    ("childcare", "Geen kinderopvang bij de taalles", "Moeders missen de les: geen oppas."),
    ("childcare", "Crèche ontbreekt", "Zonder peuteropvang kan zij niet naar de taalschool."),
    ("childcare", "Oppas tijdens cursus", "Een gastouder is te duur voor het gezin."),
    ("debts", "Deurwaarder bij statushouder", "Aanmaningen stapelen zich op na de verhuizing."),
    ("debts", "Schulden na de eerste maanden", "Betalingsachterstand bij de energierekening."),
    ("debts", "Incasso en beslag", "Een schuldhulpverlener is niet te vinden."),
    (
        "interpreter",
        "Geen tolk bij het gesprek",
        "De vertaler kwam niet; het PIP-gesprek mislukte.",
    ),
    ("interpreter", "Vertaling van brieven", "Er is geen tolkvoorziening voor de beschikking."),
    ("exam", "Examenplek te ver weg", "Het inburgeringsexamen kan pas over maanden."),
    ("exam", "Herexamen B1", "DUO heeft geen examencapaciteit in de regio."),
]


@pytest.mark.django_db
def test_both_databases_find_the_same_look_alikes_for_a_fixed_corpus(world):
    """The suite runs on SQLite and on PostgreSQL; the expectations are the same for both.
    PostgreSQL's path (its stored lexemes and its own Dutch stemmer) must give what the
    Python path gives."""
    made = {}
    for number, (group, title, description) in enumerate(CORPUS):
        signal = SignalFactory(
            community=world.sibling if number % 2 else world.community,
            title=title,
            description=description,
            passed=True,
        )
        made[signal.pk] = group
    scope = ~similarity.Q(state=Signal.State.DRAFT) & similarity.Q(
        community__programme=world.programme
    )
    for pk, group in made.items():
        signal = Signal.objects.get(pk=pk)
        found = similarity.similar_signals(
            title=signal.title, text=signal.description, scope=scope, exclude_pk=pk, limit=2
        )
        mates = sum(1 for other in made.values() if other == group) - 1
        assert [made[s.pk] for s in found[:mates]] == [group] * min(mates, 2), (
            signal.title,
            [(made[s.pk], s.similarity) for s in found],
        )
