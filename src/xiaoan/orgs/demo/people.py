"""The demo accounts: one per persona of the guide, with realistic names."""

from __future__ import annotations

from dataclasses import dataclass

from ..roles import Role

# A single shared password, only ever set in demo mode; it satisfies the password policy.
DEMO_PASSWORD = "Xiaoan-2026"


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    place: str  # "city", a county key, or "school" (the demo primary school in 宛城区)
    role: str
    title: str = ""


PERSONAS: tuple[Persona, ...] = (
    Persona("city_admin", "张伟", "city", Role.UNIT_ADMIN, "信息中心主任"),
    Persona("city_officer", "王芳", "city", Role.SAFETY_OFFICER, "安全稳定科科长"),
    Persona("city_leader", "李建国", "city", Role.LEADER, "分管副局长"),
    Persona("inspector", "刘洋", "city", Role.VIEWER, "督导室督学"),
    Persona("wancheng_admin", "陈静", "wancheng", Role.UNIT_ADMIN, "办公室主任"),
    Persona("wancheng_officer", "杨磊", "wancheng", Role.SAFETY_OFFICER, "安全股股长"),
    Persona("wolong_admin", "赵敏", "wolong", Role.UNIT_ADMIN, "办公室主任"),
    Persona("wolong_officer", "黄涛", "wolong", Role.SAFETY_OFFICER, "安全股股长"),
    Persona("principal", "周秀英", "school", Role.LEADER, "校长"),
    Persona("safety_officer", "吴强", "school", Role.SAFETY_OFFICER, "安全副校长"),
    Persona("teacher", "徐丽", "school", Role.STAFF, "三年级班主任"),
    Persona("guard", "孙建军", "school", Role.GUARD, "专职保安"),
    Persona("bus_driver", "马国强", "school", Role.BUS_DRIVER, "校车驾驶人"),
    Persona("bus_attendant", "朱桂兰", "school", Role.BUS_ATTENDANT, "校车照管员"),
)

# One person with two posts, to show the identity switcher; the first is the active one.
MULTI_USERNAME = "multi"
MULTI_FULL_NAME = "郭志刚"
MULTI_POSTS: tuple[tuple[str, str, str], ...] = (
    ("wancheng", Role.SAFETY_OFFICER, "安全股干事"),
    ("school", Role.STAFF, "兼职教师"),
)

# The demo school of the personas: a rural primary school of 宛城区 that runs school buses.
DEMO_SCHOOL_COUNTY = "wancheng"
