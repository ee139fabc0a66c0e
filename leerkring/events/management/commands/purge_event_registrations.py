"""Remove names and addresses of public registrants `EVENT_REGISTRATION_RETENTION_DAYS` after
their event. Run it daily; a second run the same day removes nothing more."""

from django.core.management.base import BaseCommand

from leerkring.events import services


class Command(BaseCommand):
    help = "Verwijder naam en e-mailadres van openbare aanmelders na de bewaartermijn."

    def handle(self, *args, **options) -> None:
        count = services.registrations_purge()
        self.stdout.write(f"{count} aanmelding(en) geanonimiseerd.")
