"""The lexicon of the inburgering practice (`lexicon.toml`), for `analysis`.

Each concept names one thing that practitioners call by different words: a klantmanager
writes "PIP", a teacher "persoonlijk plan", a volunteer "inburgeringsplan". The words are
written out in full and stemmed like any text, so "vertalers" meets "tolken" through the
concept "tolk". Generic words ("lang", "les", "werk") are left out on purpose: a word that
half of all signals use links everything to everything.

The lexicon is a data file so that it can be read and extended without touching code; it is
written from the practice and the source documents, never from the labelled sets, and every
concept must earn its place on text it was not written for (docs/performance.md gives recall
with and without it on the development and held-out sets). What the venster learns from its
coordinators (`learning`) does the same work for the words of each programme, without anyone
writing them down.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LEXICON = Path(__file__).with_name("lexicon.toml")


def load(path: Path = LEXICON) -> tuple[dict[str, str], dict[str, str]]:
    """(abbreviations, concepts) of a lexicon file: {abbreviation: word} and {concept: words
    separated by white space}."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    abbreviations = {str(k): str(v) for k, v in data.get("abbreviations", {}).items()}
    concepts = {str(k): " ".join(str(v).split()) for k, v in data.get("concepts", {}).items()}
    return abbreviations, concepts


#: Abbreviations as practitioners write them, and the word they are stemmed as.
ABBREVIATIONS, CONCEPTS = load()
