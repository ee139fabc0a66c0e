"""State changes for questionnaires, waves, invitations and responses. Each block belongs to
one part; every function validates, runs in one transaction and writes the audit."""

from __future__ import annotations

# --- Questionnaires and the thermometer template ----------------------------------------

# --- Waves, invitations and answering ---------------------------------------------------

# --- Results and exports ----------------------------------------------------------------
