"""The roster over the API, scoped like the pages: schools see their classes and pupils, bureaus see counts.

Pupil and guardian names are full only for the people who work with the class (the school's leaders and
safety staff, the class's own teacher) and masked (张*明) for everyone else; ID and mobile numbers are always
masked — the audited "显示完整号码" exists on the page only.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import ensure_allowed, get_for_user

from . import selectors
from .grades import grade_label
from .models import Pupil, PupilStatus, SchoolClass

PREFIX = "/students"
router = Router()
ERRORS: dict[int, Any] = {403: Message, 404: Message}
CLASS_VIEW = "students.schoolclass.view"
PUPIL_VIEW = "students.pupil.view"


class ClassOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    school_year: int
    grade: int
    grade_label: str
    number: int | None
    name: str
    class_teacher_id: int | None
    class_teacher_name: str
    pupil_count: int = Field(..., description="在读学生数")
    is_active: bool

    @staticmethod
    def resolve_grade_label(school_class: SchoolClass) -> str:
        return grade_label(school_class.grade)

    @staticmethod
    def resolve_class_teacher_name(school_class: SchoolClass) -> str:
        teacher = school_class.class_teacher
        return teacher.display_name if teacher is not None else ""


class GuardianOut(Schema):
    name: str
    relation: str
    mobile: str = Field(..., description="手机号（始终部分隐藏）")


class PupilOut(Schema):
    id: int
    unit_id: int
    class_id: int | None = Field(..., alias="school_class_id")
    class_name: str
    name: str = Field(..., description="姓名：班主任和学校安全管理人员可见完整姓名，其他人部分隐藏")
    name_masked: bool
    gender: str
    date_of_birth: dt.date | None
    student_number: str
    id_number: str = Field(..., alias="masked_id_number", description="身份证号（始终部分隐藏）")
    status: PupilStatus
    guardians: list[GuardianOut]


class PupilFilters(Schema):
    class_id: int | None = Field(None, description="班级 id：只列该班学生")
    status: PupilStatus = Field(PupilStatus.ENROLLED, description="学籍状态，默认在读")


class SchoolCountOut(Schema):
    name: str
    total: int
    grades: list[tuple[str, int]] = Field(..., description="[年级, 在读人数]")


def _shown(user: Any, pupil: Pupil) -> dict[str, Any]:
    """A pupil as the caller may see it: the same name rule as the pages, numbers masked."""
    full = selectors.handles_pupil(user, pupil)
    return {
        "id": pupil.pk,
        "unit_id": pupil.unit_id,
        "school_class_id": pupil.school_class_id,
        "class_name": pupil.school_class.name if pupil.school_class else "",
        "name": pupil.name if full else pupil.masked_name,
        "name_masked": not full,
        "gender": pupil.gender,
        "date_of_birth": pupil.date_of_birth,
        "student_number": pupil.student_number,
        "masked_id_number": pupil.masked_id_number,
        "status": pupil.status,
        "guardians": [
            {
                "name": tie.guardian.name if full else str(tie.guardian),
                "relation": tie.relation,
                "mobile": tie.guardian.masked_mobile,
            }
            for tie in pupil.guardianships.all()
        ],
    }


@router.get("/classes", response=list[ClassOut], summary="班级列表（学校用户）")
@paginate(PageNumberPagination, page_size=50)
def list_classes(request: HttpRequest, school_year: int | None = None) -> Any:
    ensure_allowed(actor(request), CLASS_VIEW)
    classes = selectors.classes_for(actor(request), school_year=school_year).select_related("unit")
    return classes.order_by("unit__path", "-school_year", "grade", "number", "name", "pk")


@router.get("/classes/{int:class_id}", response={200: ClassOut, **ERRORS}, summary="班级详情")
def get_class(request: HttpRequest, class_id: int) -> Any:
    ensure_allowed(actor(request), CLASS_VIEW)
    classes = SchoolClass.objects.select_related("unit", "class_teacher").annotate(
        pupil_count=selectors.enrolled_count()
    )
    return get_for_user(classes, actor(request), class_id)


@router.get("/pupils", response=list[PupilOut], summary="学生列表（学校用户；姓名按页面规则隐藏）")
@paginate(PageNumberPagination, page_size=50)
def list_pupils(request: HttpRequest, filters: Query[PupilFilters]) -> Any:
    user = actor(request)
    ensure_allowed(user, PUPIL_VIEW)
    pupils = Pupil.objects.for_user(user, "view").filter(status=filters.status)
    if filters.class_id is not None:
        pupils = pupils.filter(school_class=get_for_user(SchoolClass, user, filters.class_id))
    pupils = selectors.with_guardians(user, pupils)
    return _ShownPupils(user, pupils.order_by("school_class__grade", "school_class__name", "student_number", "pk"))


@router.get("/pupils/{int:pupil_id}", response={200: PupilOut, **ERRORS}, summary="学生详情")
def get_pupil(request: HttpRequest, pupil_id: int) -> Any:
    user = actor(request)
    ensure_allowed(user, PUPIL_VIEW)
    pupil = get_for_user(selectors.with_guardians(user, Pupil.objects.all()), user, pupil_id)
    return _shown(user, pupil)


@router.get("/counts", response={200: list[SchoolCountOut], **ERRORS}, summary="各校在读人数（教育局用户，不含姓名）")
def school_counts(request: HttpRequest) -> Any:
    ensure_allowed(actor(request), "students.overview")
    return selectors.counts_by_school(actor(request))


class _ShownPupils:
    """A page of pupils, masked as they are shown: the paginator slices and counts the queryset, then masks."""

    def __init__(self, user: Any, pupils: Any) -> None:
        self.user = user
        self.pupils = pupils

    def __len__(self) -> int:
        return self.pupils.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_shown(self.user, pupil) for pupil in self.pupils[window]]
