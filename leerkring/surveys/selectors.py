"""Reads for questionnaires, waves and results. Each block belongs to one part."""

from __future__ import annotations

# --- Questionnaires and the thermometer template ----------------------------------------

# --- Waves, invitations and answering ---------------------------------------------------

# --- Results and exports ----------------------------------------------------------------
