import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from people.demo import seed_bench_people, seed_demo_people
from people.demo_accounts import DEMO_PASSWORD, DEMO_SIGN_INS


def _demo_modules():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            yield config, import_module(f"{config.name}.demo")


def bench_hooks():
    """(app label, its ``seed_bench``) in INSTALLED_APPS order."""
    for config, module in _demo_modules():
        if hasattr(module, "seed_bench"):
            yield config.label, module.seed_bench


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
        parser.add_argument(
            "--years",
            type=int,
            default=1,
            help="With --people: years of 1:1 history to give the benchmark organisation.",
        )

    def handle(self, *args, people=None, years=1, **options):
        if people is not None:
            if people < 1:
                raise CommandError("--people must be at least 1.")
            if years < 1:
                raise CommandError("--years must be at least 1.")
            user_ids = seed_bench_people(people)
            for _, seed_bench in bench_hooks():
                seed_bench(user_ids=user_ids, years=years, stdout=self.stdout)
            self.stdout.write(
                self.style.SUCCESS(f"Benchmark organisation of {len(user_ids)} people ready.")
            )
            return

        started = time.monotonic()
        org = seed_demo_people()
        self.stdout.write(f"People: the {len(org.people)} demo people are there.")
        for config, module in _demo_modules():
            if hasattr(module, "seed_demo"):
                # Said before each step, so that a first load (several seconds of
                # history) shows where it is; a reload only checks and goes quickly.
                self.stdout.write(f"{config.verbose_name}: checking the demo data…")
                self.stdout.flush()
                module.seed_demo(org=org, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready ({time.monotonic() - started:.1f} s). "
                f"Sign in with the password {DEMO_PASSWORD} as:"
            )
        )
        for email, who in DEMO_SIGN_INS:
            self.stdout.write(f"  {email:<24} {who}")
