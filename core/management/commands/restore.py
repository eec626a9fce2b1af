from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (the configured one) "
        "and the media root, then check every table's row count against the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument("--database", default="default")

    def handle(self, *args: object, archive: str, database: str, **options: object) -> None:
        try:
            manifest = backup_restore(archive, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created']}: {len(manifest['tables'])} tables, {rows} rows "
            f"(every count checked), {manifest['media_files']} media files. "
            "Run `manage.py migrate` if this version of the app is newer than the backup."
        ))
