"""Reading a PDF the way its readers do, with tools independent of the one that made it:
poppler's pdfinfo and pdftotext (scripts/system-packages.sh poppler-utils) and pypdf for the
structure tree. Used by the tests of every PDF download."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject


def poppler(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing in CI: scripts/system-packages.sh poppler-utils")
        pytest.skip(f"{program} not installed (scripts/system-packages.sh poppler-utils)")
    return path


def _run(program: str, *args: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(data)
        source.flush()
        result = subprocess.run(  # noqa: S603 (a fixed program on a file this test wrote)
            [poppler(program), *args, source.name, "-"] if program == "pdftotext"
            else [poppler(program), *args, source.name],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    return result.stdout


def pdfinfo(data: bytes) -> dict[str, str]:
    """pdfinfo's "Key: value" lines as a dict (Title, Tagged, Pages, PDF version, …)."""
    info = {}
    for line in _run("pdfinfo", data=data).splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdftotext(data: bytes, *args: str) -> str:
    """The text in reading order (pdftotext's default), pages separated by form feeds."""
    return _run("pdftotext", "-enc", "UTF-8", *args, data=data)


def catalog(data: bytes) -> DictionaryObject:
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def structure_types(data: bytes) -> Counter:
    """How often each structure type (/H1, /Table, /TH, /Figure, …) occurs in the structure
    tree; empty when the PDF has none."""
    root = catalog(data)
    found: Counter = Counter()
    if "/StructTreeRoot" not in root:
        return found
    stack = [root["/StructTreeRoot"]]
    seen = set()
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found[str(node["/S"])] += 1
            if "/K" in node:
                stack.append(node["/K"])
    return found


def figure_alts(data: bytes) -> list[str]:
    """The alternative texts of the figures in the structure tree."""
    root = catalog(data)
    alts = []
    stack = [root["/StructTreeRoot"]]
    seen = set()
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node["/K"])
    return alts


def assert_accessible(data: bytes, *, title: str) -> dict[str, str]:
    """Tagged, with a structure tree, Dutch, titled (and the title shown instead of the file
    name), PDF/UA-1 declared in its metadata. Returns pdfinfo's answer."""
    info = pdfinfo(data)
    assert info["Tagged"] == "yes"
    assert info["Title"] == title
    root = catalog(data)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert str(root["/Lang"]) == "nl"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(>|=\")1", metadata), metadata
    return info
