from django.core.management.base import BaseCommand

from meetings.scheduling.services import generate_all, series_generate


class Command(BaseCommand):
    help = "Create every missing meeting of active series up to six months ahead (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--series", type=int, help="Only this series (by id).")

    def handle(self, *args, series=None, **options):
        result = series_generate(series_id=series) if series is not None else generate_all()
        self.stdout.write(
            f"Created {result.created} meeting(s); {result.clashes} slot(s) need a new time."
        )
