import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outputs.demo_portfolio import demo_portfolio_generate


class Command(BaseCommand):
    help = (
        "Development tool: fill the database with a realistic synthetic programme (countries x "
        "outputs x approved updates), deterministic from --seed, to measure pages at scale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--countries", type=int, default=50)
        parser.add_argument("--outputs-per-country", type=int, default=200)
        parser.add_argument("--updates-per-output", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", help="programme code (default: DEMO/<sizes>/<seed>)")

    def handle(self, *args: object, countries: int, outputs_per_country: int, updates_per_output: int, seed: int,
               code: str | None, **options: object) -> None:
        if countries < 1 or outputs_per_country < 1 or updates_per_output < 0:
            raise CommandError("--countries and --outputs-per-country must be at least 1, --updates-per-output at least 0.")
        started = time.perf_counter()
        programme = demo_portfolio_generate(
            countries=countries,
            outputs_per_country=outputs_per_country,
            updates_per_output=updates_per_output,
            seed=seed,
            code=code,
        )
        self.stdout.write(self.style.SUCCESS(
            f"Generated {programme.code} ({programme.slug}): {countries} countries x {outputs_per_country} "
            f"outputs x {updates_per_output} updates in {time.perf_counter() - started:.1f} s."
        ))
