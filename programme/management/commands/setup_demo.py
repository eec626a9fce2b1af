from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from programme.models import Programme, Region

COUNTRY_FIXTURE = "ilo_regions_countries.json"
SEED_FIXTURE = "glo-22-31-irl.json"


class Command(BaseCommand):
    help = (
        "Load the ILO country table and the seed programme the first time, create the demo accounts, "
        "then (unless DEMO_ACTIVITY=0) give the seed programme a year of demonstration activity, once. "
        "Running it again keeps the data."
    )

    def handle(self, *args: object, **options: Any) -> None:
        fixtures = settings.BASE_DIR / "fixtures"
        if not Region.objects.exists():
            call_command("loaddata", fixtures / COUNTRY_FIXTURE, verbosity=options["verbosity"])
        if not Programme.objects.exists():
            call_command("loaddata", fixtures / SEED_FIXTURE, verbosity=options["verbosity"])
            # loaddata writes no history; the first record is what "as of" reports fall back to.
            call_command("populate_history", "--auto", verbosity=options["verbosity"])
        else:
            self.stdout.write("Programmes already loaded: keeping the data as it is.")
        call_command("create_demo_users", verbosity=options["verbosity"])
        if settings.DEMO_ACTIVITY:
            # The outputs app's command (by name: this app does not import it); it writes the year once
            # and leaves a programme that already holds it, or people's work, as it is.
            call_command("demo_activity", verbosity=options["verbosity"], stdout=self.stdout)
