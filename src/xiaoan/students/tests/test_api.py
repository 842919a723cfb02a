import pytest
from django.test import Client

from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import ScopedApiContract, make_person
from xiaoan.students.testing import make_class, make_pupil, valid_id_number

pytestmark = pytest.mark.django_db
ID = valid_id_number(sequence=456)
MOBILE = "13912345678"


class SchoolApi(ScopedApiContract):
    """Roster endpoints serve schools: the insider is school A1's principal, the outsider school B1's admin."""

    insider = "principal"
    outsider = "b1_admin"

    @pytest.fixture(autouse=True)
    def school_b1_admin(self, city):
        city.people["b1_admin"] = make_person("b1_admin", city.school_b1, Role.UNIT_ADMIN)


class TestClassApi(SchoolApi):
    path = "/api/v1/students/classes/{pk}"

    def make_object(self, city):
        return make_class(city.school_a1, teacher=city.teacher)


class TestPupilApi(SchoolApi):
    path = "/api/v1/students/pupils/{pk}"

    def make_object(self, city):
        return make_pupil(make_class(city.school_a1, teacher=city.teacher))


def items(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_class_list_holds_the_schools_classes_with_their_counts(city, roster):
    own, other = roster
    make_pupil(own)
    make_pupil(own, name="李小红")
    make_class(city.school_b1, grade=7)
    rows = items(city.client_for("principal"), "/api/v1/students/classes")
    assert [(row["id"], row["pupil_count"]) for row in rows] == [(own.pk, 2), (other.pk, 0)]
    assert rows[0]["class_teacher_name"] == city.teacher.display_name
    assert rows[0]["name"] == "三年级（1）班"


def test_county_b_sees_none_of_county_as_pupils(city, roster):
    own, _ = roster
    make_pupil(own)
    b_class = make_class(city.school_b1, grade=7)
    b_pupil = make_pupil(b_class, name="赵小军")
    rows = items(city.client_for("b1_admin"), "/api/v1/students/pupils")
    assert [row["id"] for row in rows] == [b_pupil.pk]
    assert city.client_for("b1_admin").get(f"/api/v1/students/classes/{own.pk}").status_code == 404
    assert city.client_for("b1_admin").get(f"/api/v1/students/pupils?class_id={own.pk}").status_code == 404


def test_the_class_teacher_gets_full_names_but_masked_numbers(city, roster):
    own, _ = roster
    pupil = make_pupil(own, name="张小明", id_number=ID, mobile=MOBILE)
    body = city.client_for("teacher").get(f"/api/v1/students/pupils/{pupil.pk}").json()
    assert (body["name"], body["name_masked"]) == ("张小明", False)
    assert body["guardians"][0]["name"] == "张建国"
    assert ID not in str(body) and MOBILE not in str(body)
    assert body["id_number"].startswith(ID[:4]) and "*" in body["id_number"]
    assert "*" in body["guardians"][0]["mobile"]


def test_another_teacher_of_the_school_sees_masked_names(city, roster):
    own, _ = roster
    make_pupil(own, name="张小明")
    rows = items(city.client_for("other_teacher"), f"/api/v1/students/pupils?class_id={own.pk}")
    assert [(row["name"], row["name_masked"]) for row in rows] == [("张*明", True)]
    assert rows[0]["guardians"][0]["name"] == "张*国"
    assert "张小明" not in str(rows)


def test_bureau_users_are_refused_names_with_403_and_get_counts(city, roster):
    own, _ = roster
    pupil = make_pupil(own, name="张小明")
    client = city.client_for("county_a_officer")
    for path in ("/api/v1/students/pupils", f"/api/v1/students/pupils/{pupil.pk}", "/api/v1/students/classes"):
        assert client.get(path).status_code == 403, path
    counts = client.get("/api/v1/students/counts")
    assert counts.status_code == 200
    assert counts.json() == [{"name": "宛城区第一小学", "total": 1, "grades": [["三年级", 1]]}]
    assert "张" not in counts.content.decode()


def test_schools_cannot_read_the_bureau_counts(city, roster):
    assert city.client_for("principal").get("/api/v1/students/counts").status_code == 403
    assert Client().get("/api/v1/students/pupils").status_code == 401


def test_pupils_who_left_are_listed_only_when_asked_for(city, roster):
    own, _ = roster
    enrolled = make_pupil(own)
    left = make_pupil(own, name="钱小东", status="left")
    client = city.client_for("principal")
    assert [row["id"] for row in items(client, "/api/v1/students/pupils")] == [enrolled.pk]
    assert [row["id"] for row in items(client, "/api/v1/students/pupils?status=left")] == [left.pk]


@pytest.mark.parametrize("many", [1, 12])
def test_the_pupil_list_takes_the_same_queries_for_few_or_many_pupils(
    city, roster, many, django_assert_max_num_queries
):
    own, other = roster
    for n in range(many):
        make_pupil(own if n % 2 else other, name=f"学生{n}")
    client = city.client_for("principal")
    with django_assert_max_num_queries(9):
        assert len(items(client, "/api/v1/students/pupils")) == many


@pytest.mark.parametrize("many", [1, 10])
def test_the_class_list_takes_the_same_queries_for_few_or_many_classes(city, many, django_assert_max_num_queries):
    for number in range(1, many + 1):
        make_pupil(make_class(city.school_a1, grade=2, number=number, teacher=city.teacher))
    client = city.client_for("principal")
    with django_assert_max_num_queries(8):
        assert len(items(client, "/api/v1/students/classes")) == many
