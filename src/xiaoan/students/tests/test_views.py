import datetime

import pytest
from django.urls import reverse

from xiaoan.core.audit.models import AuditEvent, AuditKind
from xiaoan.core.tabular.testing import read_sheet
from xiaoan.orgs.testing import ScopedPageContract
from xiaoan.students import services
from xiaoan.students.models import Pupil
from xiaoan.students.testing import make_class, make_pupil, valid_id_number

ID = valid_id_number(datetime.date(2016, 3, 7), 123)


def own_class(city):
    return make_class(city.school_a1, grade=3, number=1, teacher=city.teacher)


class SchoolPage(ScopedPageContract):
    insider = "principal"
    read_only = "teacher"


class TestClassPage(SchoolPage):
    url_name = "students:class_detail"
    write_url_name = "students:class_edit"
    write_data = {"name": "改名", "is_active": "on"}

    def make_object(self, city):
        return own_class(city)


class TestPupilPage(SchoolPage):
    url_name = "students:pupil_detail"
    write_url_name = "students:pupil_leave"
    write_data = {"status": "left"}

    def make_object(self, city):
        return make_pupil(own_class(city))


class TestRevealAction(SchoolPage):
    url_name = "students:pupil_detail"
    write_url_name = "students:pupil_reveal"
    read_only = "viewer_at_school"

    def make_object(self, city):
        from xiaoan.orgs.roles import Role
        from xiaoan.orgs.testing import make_person

        city.people["viewer_at_school"] = make_person("viewer_at_school", city.school_a1, Role.VIEWER)
        return make_pupil(own_class(city))


class TestPupilEditPage(SchoolPage):
    url_name = "students:pupil_edit"
    insider = "teacher"
    write_url_name = "students:pupil_edit"
    read_only = "guard"
    write_data = {"name": "x", "gender": "M"}

    def make_object(self, city):
        return make_pupil(own_class(city))

    def test_it_refuses_writes_by_a_read_only_role_with_403(self, city):
        # the guard has no roster access at all: the pupil is not found for them
        response = city.client_for("guard").post(self.write_url(self.make_object(city)), self.write_data)
        assert response.status_code == 404


class TestClassExport(SchoolPage):
    url_name = "students:class_export"
    insider = "teacher"

    def make_object(self, city):
        return own_class(city)


def test_the_class_teacher_sees_full_names_but_masked_numbers(city):
    pupil = make_pupil(own_class(city), name="张小明", id_number=ID, mobile="13812341234")
    html = (
        city.client_for("teacher").get(reverse("students:class_detail", args=[pupil.school_class_id])).content.decode()
    )
    assert "张小明" in html
    assert ID not in html and "4113**********" in html
    assert "13812341234" not in html and "138****1234" in html


def test_another_teacher_sees_masked_names(city, roster):
    _own, other = roster
    make_pupil(other, name="张小明", id_number=ID)
    html = city.client_for("teacher").get(reverse("students:class_detail", args=[other.pk])).content.decode()
    assert "张*明" in html and "张小明" not in html
    assert reverse("students:class_export", args=[other.pk]) not in html


def test_another_teacher_may_not_export_or_reveal(city, roster):
    _own, other = roster
    pupil = make_pupil(other)
    client = city.client_for("teacher")
    assert client.get(reverse("students:class_export", args=[other.pk])).status_code == 403
    assert client.post(reverse("students:pupil_reveal", args=[pupil.pk])).status_code == 403
    assert not AuditEvent.objects.system("test").filter(kind=AuditKind.SENSITIVE_READ).exists()


def test_showing_the_full_numbers_is_audited_and_shows_them(city):
    pupil = make_pupil(own_class(city), id_number=ID, mobile="13812341234")
    html = city.client_for("teacher").post(reverse("students:pupil_reveal", args=[pupil.pk])).content.decode()
    assert ID in html and "13812341234" in html
    event = AuditEvent.objects.system("test").get(kind=AuditKind.SENSITIVE_READ)
    assert (event.actor, event.object_id) == (city.teacher, str(pupil.pk))


def test_the_export_is_watermarked_and_masks_numbers(city):
    pupil = make_pupil(own_class(city), name="张小明", id_number=ID, mobile="13812341234")
    response = city.client_for("teacher").get(reverse("students:class_export", args=[pupil.school_class_id]))
    rows = read_sheet(b"".join(response.streaming_content) if response.streaming else response.content)
    text = "\n".join(str(cell) for row in rows for cell in row)
    assert rows[0][0].startswith("导出人：teacher 导出时间：")
    assert "张小明" in text
    assert ID not in text and "4113**********" in text
    assert "13812341234" not in text and "138****1234" in text


def test_a_bureau_sees_counts_per_school_and_never_names(city):
    make_pupil(own_class(city), name="张小明")
    html = city.client_for("county_a_officer").get(reverse("students:class_list")).content.decode()
    assert "宛城区第一小学" in html and "张小明" not in html and "张*明" not in html
    other = city.client_for("county_b_officer").get(reverse("students:class_list")).content.decode()
    assert "宛城区第一小学" not in other
    pupil = Pupil.objects.system("test").get()
    assert city.client_for("county_a_officer").get(reverse("students:pupil_detail", args=[pupil.pk])).status_code == 404


def test_after_a_transfer_the_sending_school_gets_404_and_the_receiving_school_sees_the_pupil(city, roster):
    own, _other = roster
    pupil = make_pupil(own, name="张小明")
    client = city.client_for("principal")
    response = client.post(reverse("students:pupil_transfer", args=[pupil.pk]), {"to_code": city.school_b1.code})
    assert response.status_code == 302
    receiving = city.client_for("b1_admin")
    listing = receiving.get(reverse("students:transfer_list"), {"q": pupil.id_number}).content.decode()
    assert "张小明" in listing
    target = make_class(city.school_b1, grade=7, number=1)
    transfer = pupil.transfers.get()
    accepted = receiving.post(reverse("students:transfer_accept", args=[transfer.pk]), {"school_class": target.pk})
    assert accepted.status_code == 302
    assert client.get(reverse("students:pupil_detail", args=[pupil.pk])).status_code == 404
    assert receiving.get(reverse("students:pupil_detail", args=[pupil.pk])).status_code == 200


def test_the_teacher_adds_a_pupil_through_the_form(city):
    school_class = own_class(city)
    data = {
        "name": "李晓红",
        "gender": "F",
        "id_number": ID,
        "guardian1_name": "王芳",
        "guardian1_relation": "mother",
        "guardian1_mobile": "139 1234 5678",
    }
    response = city.client_for("teacher").post(reverse("students:pupil_create", args=[school_class.pk]), data)
    assert response.status_code == 302
    pupil = Pupil.objects.system("test").get()
    assert pupil.guardianships.get().guardian.mobile == "13912345678"
    bad = city.client_for("teacher").post(
        reverse("students:pupil_create", args=[school_class.pk]),
        {**data, "id_number": ID[:-1] + "0" if ID[-1] != "0" else ID[:-1] + "1"},
    )
    assert "校验位" in bad.content.decode()


def test_editing_with_empty_number_fields_keeps_the_numbers_on_record(city):
    pupil = make_pupil(own_class(city), id_number=ID, mobile="13812341234")
    data = {"name": "张小明", "gender": "M", "guardian1_name": "张建国", "guardian1_relation": "father"}
    response = city.client_for("teacher").post(reverse("students:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    pupil = Pupil.objects.system("test").get()
    assert pupil.id_number == ID
    assert pupil.guardianships.get().guardian.mobile == "13812341234"


def test_the_promotion_page_runs_the_year_end_promotion(city, roster):
    response = city.client_for("principal").post(reverse("students:promotion"), {"from_year": 2025, "confirm": "on"})
    assert "2 个新学年班级" in response.content.decode()
    assert city.client_for("teacher").get(reverse("students:promotion")).status_code == 403


@pytest.mark.parametrize("count", [2, 25])
def test_the_class_page_and_list_need_the_same_queries_for_few_or_many_pupils(
    city, django_assert_max_num_queries, count
):
    school_class = own_class(city)
    for n in range(count):
        make_pupil(school_class, name=f"学生{n}")
    client, bureau = city.client_for("teacher"), city.client_for("county_a_officer")
    client.get(reverse("students:class_detail", args=[school_class.pk]))
    bureau.get(reverse("students:class_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("students:class_detail", args=[school_class.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("students:class_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert bureau.get(reverse("students:class_list")).status_code == 200


def test_home_widgets_show_roster_coverage_to_schools_and_stages_to_bureaus(city):
    make_pupil(own_class(city))
    school = city.client_for("principal").get(reverse("home")).content.decode()
    assert 'data-testid="widget-school-roster"' in school and "100%" in school
    bureau = city.client_for("county_a_officer").get(reverse("home")).content.decode()
    assert 'data-testid="widget-pupils-by-stage"' in bureau


def test_a_service_refusal_is_not_a_server_error(city, roster):
    own, _other = roster
    pupil = make_pupil(own)
    services.pupil_leave(actor=city.principal, pupil=pupil, status="left")
    response = city.client_for("principal").post(reverse("students:pupil_leave", args=[pupil.pk]), {"status": "left"})
    assert response.status_code == 200
    assert "不在读" in response.content.decode()
