from django.core.management.base import BaseCommand

from outputs.services import deadline_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail each officer the outputs of their countries due within 30 or 7 days, or overdue, "
        "without an approved Achieved or Cancelled status. Safe to run every hour from cron: the "
        "same output and threshold is never e-mailed twice to the same person."
    )

    def handle(self, *args, **options):
        emails, outputs = deadline_reminders_send()
        self.stdout.write(f"{emails} reminder e-mails sent, covering {outputs} outputs.")
