"""Which pages a bench run measures: all of them, or those named by `bench/run.py --only`.

Re-measuring one fix at two scales should take minutes, not the hour of a whole run; each part
asks `wanted(name)` before it measures a page and leaves out the work that only a whole run
needs (exports, the newsletter send).
"""

from __future__ import annotations

_only: list[str] = []


def select(words: list[str]) -> None:
    """Measure only the pages whose name (or "section: name") contains one of `words`."""
    _only[:] = [word.casefold() for word in words if word.strip()]


def selective() -> bool:
    return bool(_only)


def wanted(*names: str) -> bool:
    if not _only:
        return True
    text = " ".join(names).casefold()
    return any(word in text for word in _only)
