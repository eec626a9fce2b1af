from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from outputs.notifications import review_digests_send
from outputs.tasks import send_review_digests


class Command(BaseCommand):
    help = (
        "E-mail each coordinator a digest of the updates submitted for review since their last one, "
        "at most once a day, from REVIEW_DIGEST_HOUR (local time) on. Queued for the task worker "
        "(db_worker), or sent at once with --now. Safe to run every hour from cron: before the hour "
        "nothing is sent, after it each coordinator's digest of the day is sent once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send them now, from this process, not the worker.")

    def handle(self, *args: object, now: bool = False, **options: object) -> None:
        if now:
            emails, updates = review_digests_send()
            self.stdout.write(
                f"{emails} review digests sent, listing {updates} updates "
                f"(digest hour: {settings.REVIEW_DIGEST_HOUR}:00)."
            )
        else:
            result = send_review_digests.enqueue()
            self.stdout.write(f"Review digests queued for the task worker (task {result.id}).")
