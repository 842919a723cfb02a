import datetime as dt

import pytest
from django.utils import timezone

from xiaoan.core.errors import Conflict, InvalidInput, OutOfScope, PermissionDenied, TransitionNotAllowed
from xiaoan.core.workflow.engine import history
from xiaoan.hazards import services
from xiaoan.hazards.models import Grade, Hazard, HazardPhoto, Source, State
from xiaoan.hazards.testing import MAJOR_PLAN, hazard_in_state, make_overdue, photo, report, safety_officer

pytestmark = pytest.mark.django_db

NEXT_WEEK = dt.timedelta(days=7)


def assign(hazard, officer, **extra):
    values = {
        "responsible": officer,
        "responsible_post": "总务主任",
        "measures": "更换灭火器",
        "deadline": timezone.localdate() + NEXT_WEEK,
        **extra,
    }
    return services.hazard_assign(actor=officer, hazard=hazard, **values)


def test_it_registers_a_teachers_report_with_a_number_and_before_photos(city):
    hazard = report(city, photos=[photo("before.jpg")])
    hazard.refresh_from_db()
    assert hazard.state == State.REPORTED
    assert hazard.number == f"YH-{timezone.localdate():%Y}-{hazard.pk:06d}"
    assert hazard.reported_by == city.teacher and hazard.source == Source.STAFF
    assert hazard.unit_path == city.school_a1.path
    assert list(HazardPhoto.objects.filter(hazard=hazard).values_list("stage", flat=True)) == ["before"]


def test_it_lets_a_guard_report_but_not_a_viewer(city):
    assert report(city, actor=city.guard).pk
    with pytest.raises(PermissionDenied):
        report(city, actor=city.viewer)


def test_it_refuses_a_report_for_a_school_of_another_county(city):
    with pytest.raises(OutOfScope):
        report(city, unit=city.school_b1)


def test_it_records_the_source_of_a_hazard_found_by_an_inspection(city):
    officer = safety_officer(city)
    answer = city.school_a1  # any saved model stands in for the inspection answer
    hazard = report(city, actor=officer, inspection_item=answer)
    assert hazard.source == Source.INSPECTION
    assert (hazard.source_kind, hazard.source_id) == ("orgs.unit", answer.pk)


def test_it_runs_the_whole_workflow_and_logs_every_step(city):
    hazard = hazard_in_state(city, State.CLOSED)
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED and hazard.closed_at and hazard.accepted_at
    steps = [(log.transition, log.to_state) for log in history(hazard)]
    assert steps == [
        ("grade", "graded"),
        ("assign", "rectifying"),
        ("request_acceptance", "acceptance_requested"),
        ("accept", "accepted"),
        ("close", "closed"),
    ]
    assert history(hazard).get(transition="accept").actor == city.principal


def test_it_rejects_a_report_that_is_not_a_hazard_only_with_a_comment(city):
    officer = safety_officer(city)
    hazard = report(city)
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=officer, hazard=hazard, name="reject", comment="  ")
    services.hazard_transition(actor=officer, hazard=hazard, name="reject", comment="系演练用品")
    assert Hazard.objects.get(pk=hazard.pk).state == State.REJECTED


def test_it_refuses_grading_by_a_teacher(city):
    with pytest.raises(PermissionDenied):
        services.hazard_grade(actor=city.teacher, hazard=report(city), grade=Grade.GENERAL)


def test_it_refuses_grading_by_the_county_because_the_school_grades_its_own_hazards(city):
    with pytest.raises(TransitionNotAllowed):
        services.hazard_grade(actor=city.county_a_officer, hazard=report(city), grade=Grade.GENERAL)


def test_it_refuses_a_step_from_the_wrong_state_as_a_conflict(city):
    hazard = hazard_in_state(city, State.GRADED)
    with pytest.raises(Conflict):
        services.hazard_grade(actor=safety_officer(city), hazard=hazard, grade=Grade.MAJOR)
    with pytest.raises(Conflict):
        services.hazard_transition(actor=city.principal, hazard=hazard, name="accept")


def test_it_refuses_a_major_rectification_missing_any_of_the_five_items(city):
    officer = safety_officer(city)
    hazard = hazard_in_state(city, State.GRADED, grade=Grade.MAJOR)
    for missing in MAJOR_PLAN:
        plan = {key: value for key, value in MAJOR_PLAN.items() if key != missing}
        with pytest.raises(InvalidInput) as refused:
            assign(hazard, officer, **plan)
        field_label = str(Hazard._meta.get_field(missing).verbose_name)
        assert field_label in str(refused.value.message)
    assign(hazard, officer, **MAJOR_PLAN)
    assert Hazard.objects.get(pk=hazard.pk).contingency_plan == MAJOR_PLAN["contingency_plan"]


def test_it_lets_a_general_rectification_go_without_the_major_plan(city):
    officer = safety_officer(city)
    hazard = assign(hazard_in_state(city, State.GRADED), officer)
    assert hazard.state == State.RECTIFYING and hazard.responsible == officer


def test_it_refuses_a_deadline_in_the_past_and_a_responsible_person_from_elsewhere(city):
    officer = safety_officer(city)
    hazard = hazard_in_state(city, State.GRADED)
    with pytest.raises(InvalidInput):
        assign(hazard, officer, deadline=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        assign(hazard, officer, responsible=city.county_a_officer)


def test_it_refuses_an_acceptance_request_without_after_photos(city):
    hazard = hazard_in_state(city, State.RECTIFYING)
    with pytest.raises(InvalidInput):
        services.hazard_request_acceptance(actor=safety_officer(city), hazard=hazard, photos=[])
    assert Hazard.objects.get(pk=hazard.pk).state == State.RECTIFYING


def test_it_keeps_after_photos_apart_from_before_photos(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    assert list(HazardPhoto.objects.filter(hazard=hazard).values_list("stage", flat=True)) == ["after"]


def test_it_lets_a_teacher_request_acceptance_only_as_the_responsible_person(city):
    officer = safety_officer(city)
    hazard = hazard_in_state(city, State.RECTIFYING)
    with pytest.raises(TransitionNotAllowed):
        services.hazard_request_acceptance(actor=city.teacher, hazard=hazard, photos=[photo()])
    other = assign(hazard_in_state(city, State.GRADED), officer, responsible=city.teacher)
    services.hazard_request_acceptance(actor=city.teacher, hazard=other, photos=[photo()])
    assert other.state == State.ACCEPTANCE_REQUESTED


def test_it_refuses_acceptance_by_the_safety_officer_because_the_leader_accepts(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    with pytest.raises(PermissionDenied):
        services.hazard_transition(actor=safety_officer(city), hazard=hazard, name="accept")


def test_it_returns_a_rectification_with_a_comment(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=city.principal, hazard=hazard, name="return")
    services.hazard_transition(actor=city.principal, hazard=hazard, name="return", comment="灭火器未贴检验标签")
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and hazard.acceptance_requested_at is None


def test_it_refuses_form_steps_through_the_comment_only_service(city):
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=safety_officer(city), hazard=report(city), name="grade")


def test_it_refuses_a_step_by_an_outsider_as_out_of_scope(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    with pytest.raises(OutOfScope):
        services.hazard_transition(actor=city.county_b_officer, hazard=hazard, name="accept_supervised")


# --- 挂牌督办 ------------------------------------------------------------------------------------------


def supervise(city, hazard, actor=None):
    actor = actor or city.county_a_officer
    return services.supervision_open(
        actor=actor,
        hazard=hazard,
        leader=actor,
        deadline=timezone.localdate() + NEXT_WEEK,
        required_reports="每周五报送进展",
    )


def test_it_lists_an_overdue_hazard_for_supervision_by_the_county(city):
    hazard = make_overdue(hazard_in_state(city, State.RECTIFYING))
    supervision = supervise(city, hazard)
    assert supervision.supervising_unit == city.county_a
    assert Hazard.objects.get(pk=hazard.pk).is_supervised


def test_it_refuses_supervision_of_a_general_hazard_on_time(city):
    with pytest.raises(TransitionNotAllowed):
        supervise(city, hazard_in_state(city, State.RECTIFYING))


def test_it_lists_a_major_hazard_before_its_deadline(city):
    assert supervise(city, hazard_in_state(city, State.GRADED, grade=Grade.MAJOR)).pk


def test_it_refuses_supervision_by_a_school_or_by_another_county_or_twice(city):
    hazard = make_overdue(hazard_in_state(city, State.RECTIFYING))
    with pytest.raises(PermissionDenied):
        supervise(city, hazard, actor=city.principal)
    with pytest.raises(OutOfScope):
        supervise(city, hazard, actor=city.county_b_officer)
    supervise(city, hazard)
    with pytest.raises(Conflict):
        supervise(city, Hazard.objects.get(pk=hazard.pk), actor=city.city_officer)


def test_only_the_supervising_unit_accepts_and_closes_a_supervised_hazard(city):
    officer = safety_officer(city)
    hazard = make_overdue(hazard_in_state(city, State.RECTIFYING))
    supervision = supervise(city, hazard)
    services.hazard_request_acceptance(actor=officer, hazard=hazard, photos=[photo()])
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=city.principal, hazard=hazard, name="accept")
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=city.city_officer, hazard=hazard, name="accept_supervised")
    services.hazard_transition(actor=city.county_a_officer, hazard=hazard, name="accept_supervised")
    with pytest.raises(TransitionNotAllowed):
        services.hazard_transition(actor=officer, hazard=hazard, name="close")
    services.hazard_transition(actor=city.county_a_officer, hazard=hazard, name="close_supervised")
    supervision.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert supervision.status == "closed" and supervision.closed_at is not None


def test_the_supervised_school_reports_progress_and_the_county_does_not(city):
    supervision = supervise(city, make_overdue(hazard_in_state(city, State.RECTIFYING)))
    report_row = services.supervision_report_add(
        actor=safety_officer(city), supervision=supervision, text="已采购新灭火器", photos=[photo()]
    )
    assert report_row.supervision == supervision
    with pytest.raises(TransitionNotAllowed):
        services.supervision_report_add(actor=city.county_a_officer, supervision=supervision, text="x")
