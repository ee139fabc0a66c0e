"""Every figure the services keep up to date instead of counting it per request, and how to
count each one again.

Kept figures (theme and venster tallies, community and network counts, seat counts, public
counts ...) follow every change made through the models, in the same transaction. A change made
past them — a bulk update by hand, a restore of part of the data, a script — leaves them wrong
until they are counted again. Each app registers its recount here in `AppConfig.ready()`, as it
registers its panels, so `manage.py recount` counts them all again without `core` importing the
apps built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class KeptFigure:
    key: str
    order: int
    title: str
    recount: Callable[[], object]


_figures: dict[str, KeptFigure] = {}


def register_kept_figure(
    *, key: str, order: int, title: str, recount: Callable[[], object]
) -> None:
    """`recount()` counts this app's figures for the whole network again, in one transaction of
    its own; registering a key again replaces it."""
    _figures[key] = KeptFigure(key=key, order=order, title=title, recount=recount)


def kept_figures() -> list[KeptFigure]:
    """In the order to count them: figures that read other kept figures come later."""
    return sorted(_figures.values(), key=lambda figure: (figure.order, figure.key))
