from django.core.management.base import BaseCommand

from notifications.sending import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that are due now (what beat runs every minute); "
        "safe to run beside a running worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, batch_size=None, **options):
        result = send_due_reminders(batch_size=batch_size)
        self.stdout.write(
            f"Sent {result.sent}, dropped {result.dropped}, cancelled {result.cancelled}, "
            f"failed {result.failed}, moved {result.moved}, skipped {result.skipped}, "
            f"held {result.held}."
        )
