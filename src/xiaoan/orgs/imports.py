"""Imports of the org tree: schools (学校/单位导入) and people (人员导入).

Both upsert by natural key, so importing the same file twice changes nothing, and both refuse rows that
would reach outside the uploader's part of the tree (a school code or a user name already used by another
county is a row error, never a silent change). ``register_specs()`` is called from ``OrgsConfig.ready``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, TextChoices, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.core.errors import OutOfScope
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, get_policy
from xiaoan.core.tabular.columns import Column, choice, decimal, integer, pattern, text, yes_no
from xiaoan.core.tabular.spec import ImportResult, ImportSpec, ParsedRow, RowError, duplicate_keys, register_spec

from .models import PATH_SEGMENT_WIDTH, Membership, Unit, User
from .roles import Role, Stage, UnitKind
from .services import generate_password

BATCH = 500


def _spellings(choices: type[TextChoices]) -> list[tuple[str, list[str]]]:
    """Each choice with its Chinese label first (shown in messages) and its English label."""
    options = []
    for member in choices:
        with translation.override("zh-hans"):
            chinese = str(member.label)
        with translation.override("en"):
            english = str(member.label)
        options.append((member.value, [chinese, english]))
    return options


def _batched(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _messages_by_field(exc: ValidationError) -> Iterator[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.message_dict.items():
            for message in errors:
                yield (None if field_name == "__all__" else field_name), message
    else:
        for message in exc.messages:
            yield None, message


# --- schools ------------------------------------------------------------------------------------

SCHOOL_FIELDS = "name stage pupils boarders staff_count is_boarding runs_buses address longitude latitude phone".split()


class SchoolImport(ImportSpec):
    name = "schools"
    label = gettext_lazy("学校/单位导入")
    description = gettext_lazy("按学校标识码新增或更新本辖区的学校和幼儿园；上级单位须在您的管辖范围内。")
    permission = "orgs.unit.import"
    natural_key = ("code",)
    columns = (
        Column("name", "学校名称", aliases=("名称", "单位名称", "学校全称"), parse=text(100)),
        Column(
            "code",
            "学校标识码",
            aliases=("标识码", "代码", "学校代码"),
            parse=pattern(r"\d{10}", gettext_lazy("学校标识码应为10位数字。 The school identifier must be 10 digits.")),
            help_text=gettext_lazy("10位数字"),
        ),
        Column("parent_code", "上级单位代码", aliases=("上级代码", "主管单位代码"), parse=text(16)),
        Column("stage", "学段", parse=choice(_spellings(Stage)), help_text=gettext_lazy("如 小学、初中、幼儿园")),
        Column("pupils", "在校学生数", aliases=("学生数",), parse=integer()),
        Column("boarders", "住宿生数", required=False, parse=integer(), default=0),
        Column("staff_count", "教职工数", aliases=("教职工人数",), required=False, parse=integer(), default=0),
        Column("is_boarding", "是否寄宿", aliases=("寄宿制",), required=False, parse=yes_no, default=False),
        Column("runs_buses", "是否开通校车", aliases=("开通校车",), required=False, parse=yes_no, default=False),
        Column("address", "地址", aliases=("学校地址",), required=False, parse=text(200), default=""),
        Column("longitude", "经度", required=False, parse=decimal(Decimal(73), Decimal(136)), default=None),
        Column("latitude", "纬度", required=False, parse=decimal(Decimal(3), Decimal(54)), default=None),
        Column("phone", "联系电话", aliases=("电话",), required=False, parse=text(30), default=""),
    )

    def __init__(self, *, actor: Any, unit: Any) -> None:
        super().__init__(actor=actor, unit=unit)
        self._parents: dict[str, Unit] | None = None
        self._plan: dict[int, tuple[Unit, list[str]]] = {}  # row number -> (unit to write, changed fields)

    def parents(self) -> dict[str, Unit]:
        if self._parents is None:
            bureaus = Unit.objects.for_user(self.actor, "view").exclude(kind=UnitKind.SCHOOL)
            self._parents = {unit.code: unit for unit in bureaus}
        return self._parents

    def validate_row(self, row: ParsedRow) -> Iterable[tuple[str | None, str]]:
        if row["parent_code"] not in self.parents():
            yield (
                "parent_code",
                _("上级单位代码不存在或不在您的管辖范围内。 Unknown parent code, or outside your part of the tree."),
            )

    def validate_all(self, rows: Sequence[ParsedRow]) -> Iterable[RowError]:
        duplicates = list(duplicate_keys(self, rows))
        yield from duplicates
        skip = {error.row for error in duplicates}
        existing: dict[str, Unit] = {}
        for batch in _batched([row["code"] for row in rows]):
            for unit in (
                Unit.objects.system("schools are matched by code across the tree")
                .filter(code__in=batch)
                .select_related("parent")
            ):
                existing[unit.code] = unit
        prefix = get_policy().path_prefix(self.actor) or "\0"
        for row in rows:
            if row.number in skip:
                continue
            found = existing.get(row["code"])
            if found is not None and not found.path.startswith(prefix):
                yield RowError(
                    row.number,
                    self.header_of("code"),
                    _(
                        "该学校标识码已被您管辖范围以外的单位使用。"
                        " This code belongs to a unit outside your part of the tree."
                    ),
                )
                continue
            if found is not None and found.kind != UnitKind.SCHOOL:
                yield RowError(
                    row.number,
                    self.header_of("code"),
                    _("该代码已被一个教育行政部门使用。 This code belongs to a bureau, not a school."),
                )
                continue
            yield from self._plan_row(row, found)

    def _plan_row(self, row: ParsedRow, found: Unit | None) -> Iterator[RowError]:
        parent = self.parents()[row["parent_code"]]
        unit = found or Unit(kind=UnitKind.SCHOOL, code=row["code"])
        changed = [key for key in SCHOOL_FIELDS if key in row.values and getattr(unit, key) != row[key]]
        if unit.parent_id != parent.pk:
            changed.append("parent")
        for key in changed:
            setattr(unit, key, parent if key == "parent" else row[key])
        try:
            unit.clean_fields(exclude=["path", "depth", "parent"])
            unit.clean()
        except ValidationError as exc:
            for field_name, message in _messages_by_field(exc):
                column_key = "parent_code" if field_name == "parent" else field_name
                known = any(column.key == column_key for column in self.columns)
                yield RowError(row.number, self.header_of(column_key) if known else "", message)
            return
        self._plan[row.number] = (unit, changed)

    def apply(self, rows: Sequence[ParsedRow], *, actor: Any, unit: Any) -> ImportResult:
        result = ImportResult()
        new_units: list[Unit] = []
        for row in rows:
            school, changed = self._plan[row.number]
            if school.pk is None:
                new_units.append(school)
            elif changed:
                self._update(school, changed)
                result.updated += 1
            else:
                result.unchanged += 1
        self._create(new_units)
        result.created = len(new_units)
        return result

    def _update(self, school: Unit, changed: list[str]) -> None:
        ensure_allowed(self.actor, "orgs.unit.change", school)
        fields = [*changed, "updated_at"]
        if "parent" in changed:  # a school has no units below it: only its own path moves
            assert school.parent is not None  # set by _plan_row from the parents in scope
            school.path = school.compute_path()
            school.depth = school.parent.depth + 1
            fields += ["path", "depth"]
        school.save(update_fields=fields)
        ensure_in_scope(self.actor, school)

    def _create(self, new_units: list[Unit]) -> None:
        # bulk: one INSERT per 500 schools, then one UPDATE per parent and batch for the paths, which need the
        # new primary keys (a CASE-per-row bulk_update is ten times slower on 5,000 rows)
        writer = Unit.objects.system("bulk insert of schools the actor may create")
        by_parent: dict[Unit, list[Unit]] = defaultdict(list)
        for school in new_units:
            assert school.parent is not None  # set by _plan_row from the parents in scope
            by_parent[school.parent].append(school)
        for parent in by_parent:
            ensure_allowed(self.actor, "orgs.unit.create", parent)
        writer.bulk_create(new_units, batch_size=BATCH)
        for parent, schools in by_parent.items():
            segment = LPad(Cast("pk", CharField()), PATH_SEGMENT_WIDTH, Value("0"))
            path = Concat(Value(parent.path), segment, Value("/"), output_field=CharField())
            for batch in _batched([school.pk for school in schools]):
                writer.filter(pk__in=batch).update(path=path, depth=parent.depth + 1)
            for school in schools:
                school.path = school.compute_path()
                school.depth = parent.depth + 1
                ensure_in_scope(self.actor, school)


# --- people -------------------------------------------------------------------------------------


def _username(value: str) -> str:
    field = User._meta.get_field("username")
    if len(value) > (field.max_length or 150):
        raise ValueError(_("用户名过长。 The user name is too long."))
    field.run_validators(value)
    return value


class PeopleImport(ImportSpec):
    name = "people"
    label = gettext_lazy("人员导入")
    description = gettext_lazy(
        "新增账号并授予角色，或为已有账号增加任职；新账号的临时密码在结果文件中，仅上传人可下载一次。"
    )
    result_note = gettext_lazy(
        "已创建新账号。请下载结果文件（含临时密码，仅可下载一次）并分发给本人；首次登录须修改密码。"
        " New accounts were created: download the result file once and hand the passwords over."
    )
    permission = "orgs.user.import"
    natural_key = ("username", "unit_code", "role")
    columns = (
        Column("full_name", "姓名", aliases=("名字",), parse=text(50)),
        Column("username", "用户名", aliases=("登录名", "账号"), parse=_username),
        Column(
            "phone",
            "手机号",
            aliases=("手机", "手机号码"),
            required=False,
            default="",
            parse=pattern(
                r"1[3-9]\d{9}", gettext_lazy("手机号应为11位中国大陆手机号码。 An 11-digit mainland mobile number.")
            ),
        ),
        Column("unit_code", "单位代码", aliases=("单位标识码", "学校标识码"), parse=text(16)),
        Column("role", "角色", parse=choice(_spellings(Role))),
        Column("title", "职务", required=False, default="", parse=text(50)),
    )

    def __init__(self, *, actor: Any, unit: Any) -> None:
        super().__init__(actor=actor, unit=unit)
        self._units: dict[str, Unit] | None = None
        self._users: dict[str, User] = {}

    def units(self) -> dict[str, Unit]:
        if self._units is None:
            self._units = {unit.code: unit for unit in Unit.objects.for_user(self.actor, "view")}
        return self._units

    def validate_row(self, row: ParsedRow) -> Iterable[tuple[str | None, str]]:
        if row["unit_code"] not in self.units():
            yield (
                "unit_code",
                _("单位代码不存在或不在您的管辖范围内。 Unknown unit code, or outside your part of the tree."),
            )

    def validate_all(self, rows: Sequence[ParsedRow]) -> Iterable[RowError]:
        yield from duplicate_keys(self, rows)
        usernames = sorted({row["username"] for row in rows})
        for batch in _batched(usernames):
            for user in User.objects.filter(username__in=batch):
                self._users[user.username] = user
        reach: dict[int, list[str]] = {user.pk: [] for user in self._users.values()}
        for batch in _batched(list(reach)):
            memberships = Membership.objects.system("checking the reach of existing accounts").filter(
                user_id__in=batch, is_active=True
            )
            for user_id, path in memberships.values_list("user_id", "unit__path"):
                reach[user_id].append(path)
        prefix = get_policy().path_prefix(self.actor) or "\0"
        refused = {
            user.username
            for user in self._users.values()
            if user.pk == self.actor.pk or not reach[user.pk] or any(not p.startswith(prefix) for p in reach[user.pk])
        }
        for row in rows:
            if row["username"] in refused:
                yield RowError(
                    row.number,
                    self.header_of("username"),
                    _(
                        "该用户名已被您不能管理的账号使用（或是您本人）。"
                        " This user name belongs to an account you cannot manage."
                    ),
                )

    def apply(self, rows: Sequence[ParsedRow], *, actor: Any, unit: Any) -> ImportResult:
        result = ImportResult(
            result_headers=["用户名 Username", "姓名 Name", "单位代码 Unit", "角色 Role", "临时密码 Password"]
        )
        checked: set[int] = set()
        for row in rows:
            target = self.units()[row["unit_code"]]
            if target.pk not in checked:
                ensure_allowed(actor, "orgs.user.create", target)
                ensure_allowed(actor, "orgs.membership.create", target)
                checked.add(target.pk)
            user, password, user_changed = self._upsert_user(row)
            membership_state = self._upsert_membership(user, target, row)
            if password:
                result.result_rows.append(
                    [user.username, user.full_name, target.code, Role(row["role"]).label, password]
                )
            if membership_state == "created":
                result.created += 1
            elif membership_state == "updated" or user_changed:
                result.updated += 1
            else:
                result.unchanged += 1
        return result

    def _upsert_user(self, row: ParsedRow) -> tuple[User, str, bool]:
        user = self._users.get(row["username"])
        if user is None:
            password = generate_password()
            user = User(username=row["username"], full_name=row["full_name"], phone=row.get("phone") or "")
            user.set_password(password)
            user.must_change_password = True
            user.full_clean(exclude=["password", "active_membership"])
            user.save()
            self._users[user.username] = user
            return user, password, False
        changed = [key for key in ("full_name", "phone") if key in row.values and getattr(user, key) != row[key]]
        for key in changed:
            setattr(user, key, row[key])
        if changed:
            user.save(update_fields=changed)
        return user, "", bool(changed)

    def _upsert_membership(self, user: User, target: Unit, row: ParsedRow) -> str:
        memberships = Membership.objects.system("upsert of a membership in the actor's scope")
        membership = memberships.filter(user=user, unit=target, role=row["role"]).first()
        title = row.get("title") or ""
        if membership is None:
            membership = memberships.create(user=user, unit=target, role=row["role"], title=title)
            state = "created"
        elif not membership.is_active or ("title" in row.values and membership.title != title):
            membership.is_active = True
            membership.title = title if "title" in row.values else membership.title
            membership.save(update_fields=["is_active", "title"])
            state = "updated"
        else:
            return "unchanged"
        ensure_in_scope(self.actor, membership)
        if user.active_membership_id is None:
            user.active_membership = membership
            user.save(update_fields=["active_membership"])
        if not str(membership.scope_path).startswith(get_policy().path_prefix(self.actor) or "\0"):
            raise OutOfScope()
        return state


def register_specs() -> None:
    """Called from ``OrgsConfig.ready``: makes the two imports available on the import pages."""
    register_spec(SchoolImport)
    register_spec(PeopleImport)
