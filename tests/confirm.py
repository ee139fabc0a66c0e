"""The second step of `leerkring.core.confirm`: posted with the form's own fields, it stands
for the button on the confirmation page."""

CONFIRMED = {"confirmed": "1"}
