from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.services import IMPORT_COLUMNS, PeopleImportError, people_import_csv


class Command(BaseCommand):
    help = (
        "Create or update people, teams and reporting lines from a CSV file. "
        f"Columns: {', '.join(IMPORT_COLUMNS)} (email and full_name required). "
        "All or nothing: a bad row is reported with its line number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with a header row")

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                result = people_import_csv(lines=handle)
        except FileNotFoundError:
            raise CommandError(f"There is no file {file}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text; save it as CSV UTF-8.") from None
        except PeopleImportError as error:
            raise CommandError(
                f"Nothing was imported; {len(error.errors)} problem(s) in {file}:\n"
                + "\n".join(error.errors)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created + result.updated} people "
                f"({result.created} new, {result.updated} updated, "
                f"{result.teams_created} new teams)."
            )
        )
