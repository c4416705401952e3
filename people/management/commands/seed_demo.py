from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from people.demo import DEMO_PASSWORD, seed_bench_people, seed_demo_people


def _demo_modules():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            yield import_module(f"{config.name}.demo")


class Command(BaseCommand):
    help = (
        "Create the demo organisation (idempotent). With --people N, create a large "
        "organisation of N people for benchmarks instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people",
            type=int,
            default=None,
            help="Create a benchmark organisation of this many people (about 1 manager per 10).",
        )

    def handle(self, *args, people=None, **options):
        if people is not None:
            if people < 1:
                raise CommandError("--people must be at least 1.")
            user_ids = seed_bench_people(people)
            for module in _demo_modules():
                if hasattr(module, "seed_bench"):
                    module.seed_bench(user_ids=user_ids, stdout=self.stdout)
            self.stdout.write(
                self.style.SUCCESS(f"Benchmark organisation of {len(user_ids)} people ready.")
            )
            return

        org = seed_demo_people()
        for module in _demo_modules():
            if hasattr(module, "seed_demo"):
                module.seed_demo(org=org, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready. Sign in with:"))
        for key, label in (
            ("manager", "a manager"),
            ("employee", "their report"),
            ("hr", "HR"),
            ("admin", "admin site"),
        ):
            self.stdout.write(f"  {org.people[key].email:<24} {label}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
