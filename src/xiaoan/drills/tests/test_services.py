import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from xiaoan.compliance.models import ComplianceStatus, Status
from xiaoan.core.attachments.selectors import attachments_of
from xiaoan.core.errors import Conflict, InvalidInput, OutOfScope, PermissionDenied
from xiaoan.drills import services
from xiaoan.drills.models import Drill
from xiaoan.drills.testing import make_drill, make_plan, school_officer


def photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "drill.jpg"
    return buffer


def now():
    return timezone.localtime().replace(second=0, microsecond=0)


def test_a_recorded_drill_meets_the_month_and_keeps_photo_target_and_follow_ups(
    city, django_capture_on_commit_callbacks
):
    officer = school_officer(city)
    with django_capture_on_commit_callbacks(execute=True):
        drill = services.drill_plan(actor=officer, unit=city.school_a1, kind="fire", planned_on=timezone.localdate(),
                                    scope="全校")  # fmt: skip
        services.drill_record(actor=officer, drill=drill, held_at=now(), participants=900, evacuation_seconds=150,
                              problems="东楼梯拥堵\n\n广播听不清", photos=(photo(),))  # fmt: skip
    drill.refresh_from_db()
    assert (drill.state, drill.target_seconds, drill.met_target) == (Drill.State.HELD, 120, False)
    assert [f.problem for f in drill.follow_ups.all()] == ["东楼梯拥堵", "广播听不清"]
    assert len(attachments_of(drill)) == 1
    row = ComplianceStatus.objects.system("test").get(unit=city.school_a1, obligation="drills.monthly",
                                                      period_key=f"{timezone.localdate():%Y-%m}")  # fmt: skip
    assert row.status == Status.MET and row.evidence == [drill.pk]


def test_a_drill_cannot_be_recorded_twice_or_in_the_future(city):
    officer = school_officer(city)
    drill = make_drill(city.school_a1)
    with pytest.raises(InvalidInput):
        services.drill_record(actor=officer, drill=drill, held_at=now() + dt.timedelta(days=2), participants=10,
                              evacuation_seconds=None)  # fmt: skip
    services.drill_record(actor=officer, drill=drill, held_at=now(), participants=10, evacuation_seconds=None)
    with pytest.raises(Conflict):
        services.drill_record(actor=officer, drill=drill, held_at=now(), participants=10, evacuation_seconds=None)


def test_teachers_and_other_schools_cannot_plan_drills_here(city):
    with pytest.raises(PermissionDenied):
        services.drill_plan(actor=city.teacher, unit=city.school_a1, kind="fire", planned_on=timezone.localdate(),
                            scope="全校")  # fmt: skip
    other = school_officer(city, city.school_b1, "b1_officer")
    with pytest.raises(OutOfScope):
        services.drill_plan(actor=other, unit=city.school_a1, kind="fire", planned_on=timezone.localdate(),
                            scope="全校")  # fmt: skip


def test_cancelling_needs_a_reason(city):
    officer = school_officer(city)
    drill = make_drill(city.school_a1)
    with pytest.raises(Exception, match="说明"):
        services.drill_cancel(actor=officer, drill=drill, reason=" ")
    assert services.drill_cancel(actor=officer, drill=drill, reason="暴雨停课").state == Drill.State.CANCELLED


def test_a_new_plan_version_becomes_current_and_resets_the_review_clock(city):
    officer = school_officer(city)
    today = timezone.localdate()
    plan = make_plan(city.school_a1, revised_on=today - dt.timedelta(days=400))
    assert services.plan_review_due(plan, today)
    doc = io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    doc.name = "plan.pdf"
    version = services.plan_revise(actor=officer, plan=plan, revised_on=today, approved_by="周校长",
                                   approved_on=today, document=doc)  # fmt: skip
    plan.refresh_from_db()
    assert (version.number, plan.current_version_id) == (2, version.pk)
    assert not services.plan_review_due(plan, today)
    with pytest.raises(InvalidInput):
        services.plan_revise(actor=officer, plan=plan, revised_on=today, approved_by="周校长",
                             approved_on=today - dt.timedelta(days=1))  # fmt: skip


def test_a_follow_up_is_closed_or_refused_as_a_hazard_when_that_module_is_missing(city, monkeypatch):
    officer = school_officer(city)
    drill = make_drill(city.school_a1)
    services.drill_record(actor=officer, drill=drill, held_at=now(), participants=10, evacuation_seconds=90,
                          problems="灭火器过期")  # fmt: skip
    follow_up = drill.follow_ups.get()
    monkeypatch.setattr(services, "hazard_reporter", lambda: None)
    with pytest.raises(InvalidInput):
        services.follow_up_to_hazard(actor=officer, follow_up=follow_up)
    assert services.follow_up_close(actor=officer, follow_up=follow_up).done_at is not None


def test_a_problem_becomes_a_hazard_through_the_hazard_service(city, monkeypatch):
    officer = school_officer(city)
    drill = make_drill(city.school_a1)
    services.drill_record(actor=officer, drill=drill, held_at=now(), participants=10, evacuation_seconds=90,
                          problems="疏散指示灯不亮")  # fmt: skip
    calls = []

    class Hazard:
        pk = 77

    def report(**kwargs):
        calls.append(kwargs)
        return Hazard()

    monkeypatch.setattr(services, "hazard_reporter", lambda: report)
    follow_up = services.follow_up_to_hazard(actor=officer, follow_up=drill.follow_ups.get())
    assert follow_up.hazard_id == 77
    assert calls[0]["description"] == "疏散指示灯不亮" and calls[0]["source_id"] == drill.pk
