import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outputs.demo_activity import DemoActivityRefused, demo_activity_write
from programme.models import Programme

SEED_CODE = "GLO/22/31/IRL"


class Command(BaseCommand):
    help = (
        "Give a programme (the seed programme by default) a year of made-up activity up to today: "
        "updates in every status, reviews, evidence, open work and a coordinator's edits, written "
        "through the services and marked as demonstration data. Written once: a programme that "
        "already holds it, or holds people's work, is left as it is."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--code", default=SEED_CODE, help=f"programme code (default: {SEED_CODE})")

    def handle(self, *args: object, code: str, **options: Any) -> None:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            raise CommandError(f"No programme {code}: load it first (manage.py setup_demo loads the seed).")
        started = time.perf_counter()
        try:
            summary = demo_activity_write(programme=programme)
        except DemoActivityRefused as refusal:
            if options["verbosity"]:
                self.stdout.write(f"No demonstration activity written into {code}: {refusal}. Keeping it as it is.")
            return
        if not options["verbosity"]:
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demonstration activity written into {code} in {time.perf_counter() - started:.1f} s: "
            f"{summary.approved} approved updates over {summary.months} months ({summary.reported_outputs} "
            f"outputs reported), {summary.waiting} waiting for review, {summary.returned} returned, "
            f"{summary.drafts} drafts, {summary.files} files and {summary.links} links as evidence, "
            f"{summary.edits} outputs edited by the coordinator."
        ))
