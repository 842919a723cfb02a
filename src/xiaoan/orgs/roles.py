"""Roles a membership can carry, and unit kinds and levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    LEADER = "leader", _("负责人")  # principal / bureau leader: approves, signs
    SAFETY_OFFICER = "safety_officer", _("安全专干")
    STAFF = "staff", _("教职工")
    GUARD = "guard", _("保安")
    BUS_DRIVER = "bus_driver", _("校车驾驶人")
    BUS_ATTENDANT = "bus_attendant", _("校车照管员")
    VIEWER = "viewer", _("只读查看")


ALL_ROLES = frozenset(Role)
MANAGERS = frozenset({Role.UNIT_ADMIN, Role.LEADER, Role.SAFETY_OFFICER})
OFFICE_ROLES = frozenset({Role.UNIT_ADMIN, Role.LEADER, Role.SAFETY_OFFICER, Role.STAFF, Role.VIEWER})


class UnitKind(models.TextChoices):
    CITY_BUREAU = "city", _("市级教育行政部门")
    COUNTY_BUREAU = "county", _("县级教育行政部门")
    SCHOOL = "school", _("学校/幼儿园")


class Stage(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    COMPLETE = "complete", _("完全中学")
    VOCATIONAL = "vocational", _("中职")
    SPECIAL = "special", _("特殊教育")
