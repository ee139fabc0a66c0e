"""selectors of the signalling app."""

from __future__ import annotations
