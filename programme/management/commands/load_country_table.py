from typing import Any

from django.core.management.base import BaseCommand

from programme.services import region_table_load


class Command(BaseCommand):
    help = "Create or refresh the ILO regions and every ILO member State from the shipped table."

    def handle(self, *args: Any, **options: Any) -> None:
        count = region_table_load()
        self.stdout.write(self.style.SUCCESS(f"5 ILO regions and {count} member States are up to date."))
