"""How modules in leerkring/ are written (STYLE.md "One module, one import block"): imports at
the top, plain names, no silenced E402, and no module so long that it should have been split
into one module per sub-domain. Ruff reports a mid-file import as E402; these tests make sure
nobody silences it, and catch what ruff does not (renaming an import to a private name)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "leerkring"
# Generated or data-heavy code that is not read as a unit.
EXEMPT_FROM_LENGTH = ("migrations", "demo_data", "synthetic")
MAX_LINES = 700


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def late_imports(tree: ast.Module) -> list[int]:
    """Line numbers of module-level imports that come after other code."""
    late, code_seen = [], False
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if code_seen:
                late.append(node.lineno)
        elif not (index == 0 and is_docstring(node)):
            code_seen = True
    return late


def private_aliases(tree: ast.Module) -> list[str]:
    """`import x as _x` and `from m import x as _x`; `gettext as _` is the usual exception."""
    return [
        f"{alias.name} as {alias.asname} (line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.asname.startswith("_") and alias.asname != "_"
    ]


def test_the_checks_see_every_module():
    names = {relative(p) for p in modules()}
    assert "leerkring/settings.py" in names
    assert "leerkring/meetings/services/planning.py" in names
    assert len(names) > 100


def test_every_module_imports_at_the_top():
    offenders = {
        relative(path): lines
        for path in modules()
        if (lines := late_imports(ast.parse(path.read_text(), filename=str(path))))
    }
    assert offenders == {}, "imports after code (one import block per module, at the top)"


def test_no_import_is_renamed_to_a_private_name():
    offenders = {
        relative(path): aliases
        for path in modules()
        if (aliases := private_aliases(ast.parse(path.read_text(), filename=str(path))))
    }
    assert offenders == {}, "use the plain name, or split the module"


def test_no_module_silences_the_import_position_check():
    offenders = [relative(p) for p in modules() if "noqa: E402" in p.read_text()]
    assert offenders == []


def test_hand_written_modules_stay_under_the_length_limit():
    offenders = {
        relative(path): lines
        for path in modules()
        if not any(part.startswith(EXEMPT_FROM_LENGTH) for part in path.parts)
        and (lines := path.read_text().count("\n")) > MAX_LINES
    }
    assert offenders == {}, f"over {MAX_LINES} lines: make it a package, one module per part"


@pytest.mark.parametrize(
    ("source", "late", "aliases"),
    [
        ('"""Doc."""\n\nimport os\nfrom a import b\n\nX = 1\n', [], 0),
        ("import os\n\nX = 1\n\nimport sys\n", [5], 0),
        ("from a import b as _b\nfrom django.utils.translation import gettext as _\n", [], 1),
        ("def f():\n    import os as _os\n", [], 1),
    ],
)
def test_the_checks_tell_a_stitched_module_from_a_plain_one(source, late, aliases):
    tree = ast.parse(source)
    assert late_imports(tree) == late
    assert len(private_aliases(tree)) == aliases
