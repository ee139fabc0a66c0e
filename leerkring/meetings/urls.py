"""URLs of the meetings app. Each block belongs to one part of the meeting cycle."""

from django.urls import path

app_name = "meetings"
urlpatterns: list = []

# --- Planning and agenda ---------------------------------------------------------------

# --- Invitations, calendar and attendance ----------------------------------------------

# --- Outcomes, minutes, agreements and threads -----------------------------------------
