from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup on SQLite) and the "
        "media files into one .tar.gz under build/backups/ (or --output-dir)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", help="where to write the archive (default: BUILD_DIR/backups)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: object, output_dir: str | None, database: str, **options: object) -> None:
        directory = output_dir or settings.BUILD_DIR / "backups"
        try:
            archive, manifest = backup_create(directory=directory, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {manifest['vendor']}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['media_files']} media files ({manifest['media_bytes']} bytes)."
        ))
        self.stdout.write(str(archive))
        if settings.MEDIA_STORAGE != "filesystem":
            self.stderr.write(self.style.WARNING(
                f"Media files are in the {settings.MEDIA_STORAGE} bucket, not in MEDIA_ROOT: back the bucket up "
                "with its own tools (versioning or replication). This archive holds the database only."
            ))
