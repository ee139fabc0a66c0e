"""Reads for the meeting cycle, each with a fixed number of queries."""

from __future__ import annotations

# --- Planning and agenda ---------------------------------------------------------------

# --- Invitations, calendar and attendance ----------------------------------------------

# --- Outcomes, minutes, agreements and threads -----------------------------------------
