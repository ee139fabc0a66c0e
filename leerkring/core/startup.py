"""What a server process does once it has loaded the application, before its first request.

Python's garbage collector walks every object it tracks in a full (oldest-generation)
collection. After start-up a server process holds some 200,000 such objects that live as long as
it does (Django, the apps, their URL patterns and views), and a request that keeps a few thousand
objects alive across a younger collection (a search's candidate lists, a long API answer) sets
off a full collection every ten or so requests: 110 ms on the two-core reference machine, so one
request in ten of the search pages took 170-185 ms where the others took 65 (issue 17).

`gc.freeze()` moves every object alive at that moment out of the collector's reach, the use the
Python documentation gives for it; what requests make is collected as before, and a full
collection then walks only that (under 1 ms for the same pages).

The privacy guard's name and place lists (`core.guard`, some 180,000 objects) are loaded here
too, so the freeze covers them: loaded at the first text checked, they cost that request their
load and a full collection and freeze of its own (~100 ms once per worker).
"""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings
from django.template import engines

from leerkring.core import guard


def settle_after_start() -> None:
    """Load what the first request would (every view module through the URL patterns, the
    template engines with their tag libraries, the guard's name lists), collect what start-up
    left behind, and freeze the rest. Called at the end of `wsgi.py` and `asgi.py` (and by the
    bench), once per process."""
    import_module(settings.ROOT_URLCONF)
    engines.all()
    guard.names_load()
    gc.collect()
    gc.freeze()
