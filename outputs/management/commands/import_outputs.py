from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from outputs.page_files import ENCODINGS, read_page
from outputs.page_parser import PageError
from outputs.services.page_import import outputs_import_page
from programme.models import Programme


class Command(BaseCommand):
    help = (
        "Import a programme's outputs from an outputs page (title, 'Outputs', then component "
        "headings followed by '-' / 'Output X.Y - text' / 'DD.MM.YYYY' entries). Safe to re-run: "
        "titles and deadlines are updated in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="the outputs page: a text file, or the page saved as HTML (UTF-8 or UTF-16 with a "
            "byte-order mark; an HTML file may declare its own encoding)"
        )
        parser.add_argument(
            "--code",
            help="the programme code, e.g. GLO/22/31/IRL (required for a new programme; "
            "otherwise the programme is found by its title)",
        )
        parser.add_argument("--partner", help="the funding partner, e.g. Ireland")
        parser.add_argument("--encoding", choices=ENCODINGS, help="the file's encoding when it has no byte-order mark")

    def handle(
        self, *args: object, path: str, code: str | None = None, partner: str | None = None,
        encoding: str | None = None, **options: object,
    ) -> None:
        file_path = Path(path)
        try:
            raw = file_path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror}).") from None

        try:
            page = read_page(raw, encoding=encoding)
        except PageError as error:
            raise CommandError(f"{path}: {error} Nothing was imported.") from None

        if not code:
            programme = Programme.objects.filter(title=page.title).first()
            if programme is None:
                raise CommandError(
                    f"{path}: no programme is titled '{page.title}'. Give its code with --code "
                    "(e.g. --code GLO/22/31/IRL). Nothing was imported."
                )
            code = programme.code

        self.stdout.write(
            f"Importing {page.output_count} outputs in {len(page.components)} components "
            f"into {code} ..."
        )
        step = max(1, page.output_count // 10)

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                self.stdout.write(f"  {done}/{total} outputs ({done * 100 // total}%)")

        try:
            report = outputs_import_page(page=page, code=code, funding_partner=partner, progress=progress)
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)} Nothing was imported.") from None

        programme = report.programme
        verb = "created" if report.programme_created else "updated" if report.programme_updated else "unchanged"
        self.stdout.write(f"Programme {programme.code} ({programme.slug}): {verb}")
        for name, count in report.per_component.items():
            self.stdout.write(f"  {name}: {count} outputs")
        self.stdout.write(
            f"Outputs: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        if report.changed_anything:
            self.stdout.write(self.style.SUCCESS("Import complete."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the database already matches the page."))
