"""``manage.py seed_demo``: build the Nanyang demo city and its persona accounts."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaoan.core.registry import demo_seeders
from xiaoan.orgs.demo.builder import SCALES, build, has_units, totp_note
from xiaoan.orgs.roles import Role


class Command(BaseCommand):
    help = (
        "建立南阳市演示数据：市教育局、17个县级单位、各学段学校与演示账号。"
        " Build the Nanyang demo city: the city bureau, 17 county-level units, schools of every stage, accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="demo",
            help="demo: about 10 schools per county-level unit; city: about 5,000 schools (benchmarks)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed builds the same city")
        parser.add_argument("--schools", type=int, default=None, help="city scale: number of schools (default 5000)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when any unit exists")
        parser.add_argument("--demo-passwords", action="store_true", help="give every account the shared demo password")

    def handle(self, *args, **options) -> None:
        if has_units():
            if options["if_empty"]:
                self.stdout.write("数据库中已有单位，跳过演示数据。 Units exist already; nothing to do.")
                return
            raise CommandError("数据库中已有单位，不能再建演示数据。 Units exist already; use an empty database.")
        demo_passwords = bool(settings.DEMO_MODE or options["demo_passwords"])
        started = time.monotonic()
        result = build(
            scale=options["scale"], seed=options["seed"], schools=options["schools"], demo_passwords=demo_passwords
        )
        for seeder in demo_seeders():
            seeder.seed(scale=options["scale"], seed=options["seed"])
            self.stdout.write(f"  + {seeder.key}")
        elapsed = time.monotonic() - started
        people = len({account.username for account in result.accounts})
        self.stdout.write(
            self.style.SUCCESS(
                f"已建立{result.units}个单位（其中学校{result.schools}所）和{people}个账号，用时{elapsed:.1f}秒。"
                f" Built {result.units} units ({result.schools} schools) and {people} accounts in {elapsed:.1f} s."
            )
        )
        if result.password:
            self.stdout.write(f"演示账号共用密码 / shared demo password: {result.password}")
            self.stdout.write(totp_note(result.accounts))
        else:
            self.stdout.write(
                "非演示模式：账号未设置可用密码（用 manage.py changepassword 设置，或加 --demo-passwords）。"
                " Not in demo mode: the accounts have no usable password."
            )
        for account in result.accounts:
            role = Role(account.role).label
            second_factor = "\t[TOTP]" if account.needs_totp else ""
            self.stdout.write(f"  {account.username:<18} {account.full_name}\t{account.unit}\t{role}{second_factor}")
        self.stdout.write(f"账号清单 / account list: {result.accounts_file}")
