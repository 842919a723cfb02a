"""Create (or promote) an administrator of one unit — the way in for a fresh installation.

xiaoan createadmin --username admin --full-name 张三 --create-root 南阳市教育局 --code 411300
xiaoan createadmin --username wc_admin --full-name 李四 --unit-code 411302
"""

from __future__ import annotations

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.services import unit_create_root


class Command(BaseCommand):
    help = "创建单位管理员账号。 Create an administrator of a unit (or of a new root unit on an empty tree)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--password", help="omit to be prompted (recommended: keeps it out of shell history)")
        parser.add_argument("--unit-code", help="code of an existing unit")
        parser.add_argument("--create-root", metavar="NAME", help="name of the city bureau to create (empty tree only)")
        parser.add_argument("--code", help="code of the root unit to create (with --create-root)")

    def handle(self, *args, **options):
        units = Unit.objects.system("installer")
        if bool(options["unit_code"]) == bool(options["create_root"]):
            raise CommandError("请指定 --unit-code 或 --create-root 之一。 Give either --unit-code or --create-root.")
        if options["create_root"]:
            if not options["code"]:
                raise CommandError("--create-root 需要 --code。 --create-root needs --code.")
            if units.exists():
                raise CommandError("单位树已存在，请用 --unit-code。 The tree exists already; use --unit-code.")
        else:
            unit = units.filter(code=options["unit_code"]).first()
            if unit is None:
                raise CommandError(f"找不到代码为 {options['unit_code']} 的单位。 No unit has that code.")

        user = User.objects.filter(username=options["username"]).first()
        probe = user or User(username=options["username"], full_name=options["full_name"])
        password = options["password"]
        if user is None or password:
            password = password or self._prompt(probe)
            try:
                validate_password(password, probe)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc

        with transaction.atomic():
            if options["create_root"]:
                try:
                    unit = unit_create_root(name=options["create_root"], code=options["code"])
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
            if user is None:
                user = User(username=options["username"])
            user.full_name = options["full_name"]
            user.is_active = True
            if password:
                user.set_password(password)
            user.save()
            membership, _ = Membership.objects.system("installer").get_or_create(
                user=user, unit=unit, role=Role.UNIT_ADMIN
            )
            if not membership.is_active:
                membership.is_active = True
                membership.save(update_fields=["is_active"])
            user.active_membership = membership
            user.save(update_fields=["active_membership"])
        self.stdout.write(self.style.SUCCESS(f"{user.username}: {unit.name} · {membership.get_role_display()}"))

    def _prompt(self, probe: User) -> str:
        for _attempt in range(3):
            first = getpass.getpass("密码 Password: ")
            second = getpass.getpass("再次输入 Password (again): ")
            if first != second:
                self.stderr.write("两次输入不一致。 The passwords differ.")
                continue
            try:
                validate_password(first, probe)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return first
        raise CommandError("未设置密码。 No password was set.")
