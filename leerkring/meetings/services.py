"""State changes of the meeting cycle. Each function validates, runs in one transaction and
writes the audit history; e-mails are sent after commit."""

from __future__ import annotations

# --- Planning and agenda ---------------------------------------------------------------

# --- Invitations, calendar and attendance ----------------------------------------------

# --- Outcomes, minutes, agreements and threads -----------------------------------------
