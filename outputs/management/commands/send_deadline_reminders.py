from django.core.management.base import BaseCommand, CommandParser

from outputs.notifications import deadline_reminders_send
from outputs.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "E-mail each officer the outputs of their countries due soon (DUE_SOON_DAYS), within 7 days or overdue, "
        "without an approved Achieved or Cancelled status. Queued for the task worker (db_worker), "
        "or sent at once with --now. Safe to run every hour from cron: the same output and threshold "
        "is never e-mailed twice to the same person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send them now, from this process, not the worker.")

    def handle(self, *args: object, now: bool = False, **options: object) -> None:
        if now:
            emails, outputs = deadline_reminders_send()
            self.stdout.write(f"{emails} reminder e-mails sent, covering {outputs} outputs.")
        else:
            result = send_deadline_reminders.enqueue()
            self.stdout.write(f"Reminders queued for the task worker (task {result.id}).")
