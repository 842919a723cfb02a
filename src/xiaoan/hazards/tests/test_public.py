import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoan.hazards import services
from xiaoan.hazards.models import Hazard, HazardPhoto, ReportPoint, Source, State
from xiaoan.hazards.services import TRACKING_ALPHABET, TRACKING_LENGTH
from xiaoan.hazards.testing import photo, safety_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(city):
    return services.report_point_for(actor=safety_officer(city), unit=city.school_a1)


def form_of(client, point):
    page = client.get(reverse("hazards:public_report", args=[point.token]))
    assert page.status_code == 200
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.content.decode()).group(1)
    return {"place": "校门口", "description": "井盖松动，有学生踩踏", "nonce": nonce, "website": ""}


def submit(client, point, data, **extra):
    return client.post(reverse("hazards:public_report", args=[point.token]), data, **extra)


def code_of(response):
    """The tracking code as the reporter sees it on the page."""
    found = re.search(r'data-testid="tracking-code">([^<]*)<', response.content.decode())
    assert found, response.content.decode()[:500]
    return found.group(1)


def test_it_gives_each_school_a_random_token_unrelated_to_its_id(city, point):
    assert len(point.token) >= 32 and str(city.school_a1.pk) != point.token
    again = services.report_point_for(actor=city.principal, unit=city.school_a1)
    assert again.token == point.token


def test_it_takes_a_report_without_login_and_returns_a_tracking_code(city, point):
    client = Client()
    response = submit(client, point, form_of(client, point))
    assert response.status_code == 200
    code = code_of(response)
    assert len(code) == TRACKING_LENGTH and set(code) <= set(TRACKING_ALPHABET)
    hazard = Hazard.objects.get(tracking_code=code)
    assert hazard.unit == city.school_a1 and hazard.source == Source.ANONYMOUS and hazard.reported_by is None
    assert hazard.number.startswith("YH-")


def test_it_sets_no_cookie_at_all(point):
    client = Client()
    data = form_of(client, point)
    response = submit(client, point, data)
    assert not response.cookies
    assert not client.cookies


def test_it_answers_an_unknown_token_with_404(point):
    assert Client().get(reverse("hazards:public_report", args=["not-a-token"])).status_code == 404


def test_a_double_submit_of_the_same_form_makes_one_hazard(point):
    client = Client()
    data = form_of(client, point)
    first = submit(client, point, data)
    second = submit(client, point, data)
    assert code_of(first) == code_of(second)
    assert Hazard.objects.filter(source=Source.ANONYMOUS).count() == 1


def test_it_refuses_a_forged_nonce_or_one_issued_for_another_school(city, point):
    client = Client()
    data = form_of(client, point)
    data["nonce"] = data["nonce"][:-2] + "xx"
    assert submit(client, point, data).status_code == 400
    other = ReportPoint.objects.create(unit=city.school_b1, unit_path=city.school_b1.path, token="b" * 32)
    assert submit(client, other, form_of(client, point)).status_code == 400
    assert not Hazard.objects.exists()


def test_it_ignores_a_form_filled_in_by_a_bot(point):
    client = Client()
    data = {**form_of(client, point), "website": "http://spam.example"}
    assert submit(client, point, data).status_code == 400
    assert not Hazard.objects.exists()


def test_it_keeps_photos_as_before_photos(point):
    client = Client()
    response = submit(client, point, {**form_of(client, point), "photos": [photo("a.jpg"), photo("b.jpg")]})
    hazard = Hazard.objects.get(tracking_code=code_of(response))
    assert HazardPhoto.objects.filter(hazard=hazard, stage="before").count() == 2


def test_it_refuses_a_file_that_is_not_an_image_with_a_clear_message(point):
    client = Client()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = submit(client, point, {**form_of(client, point), "photos": [fake]})
    assert response.status_code == 400
    assert "只能上传照片" in response.context["error"]
    assert not Hazard.objects.exists()


def test_it_refuses_an_oversized_photo_with_a_clear_message(point, monkeypatch):
    from xiaoan.core.rules.registry import RULES

    spec = RULES["hazards.public_photo_max_kb"]
    monkeypatch.setitem(RULES, "hazards.public_photo_max_kb", type(spec)(**{**spec.__dict__, "default": 1}))
    client = Client()
    big = photo("big.jpg", size=(600, 600))
    big_data = big.read()
    noisy = io.BytesIO(big_data + b"\0" * 2048)
    upload = SimpleUploadedFile("big.jpg", noisy.getvalue(), content_type="image/jpeg")
    response = submit(client, point, {**form_of(client, point), "photos": [upload]})
    assert response.status_code == 400
    assert "大小上限" in response.context["error"]
    assert not Hazard.objects.exists()


def test_it_limits_reports_per_address_with_a_friendly_429(point):
    client = Client()
    for _i in range(10):
        assert submit(client, point, form_of(client, point)).status_code == 200
    limited = submit(client, point, form_of(client, point))
    assert limited.status_code == 429
    assert "提交太频繁" in limited.content.decode()
    assert Hazard.objects.count() == 10
    elsewhere = submit(client, point, form_of(client, point), REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


def test_it_limits_reports_per_school(point, monkeypatch):
    from xiaoan.core.rules.registry import RULES

    spec = RULES["hazards.public_reports_per_school_hour"]
    monkeypatch.setitem(RULES, spec.key, type(spec)(**{**spec.__dict__, "default": 2}))
    client = Client()
    codes = [submit(client, point, form_of(client, point), REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_the_tracking_page_shows_status_and_dates_but_not_the_handling(city, point):
    client = Client()
    code = code_of(submit(client, point, form_of(client, point)))
    hazard = Hazard.objects.get(tracking_code=code)
    officer = safety_officer(city)
    services.hazard_grade(actor=officer, hazard=hazard, grade="general", comment="内部意见：总务处负责")
    response = client.get(reverse("hazards:track"), {"code": code.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["hazard"].pk == hazard.pk
    assert str(State.GRADED.label) in body
    assert "内部意见" not in body and officer.display_name not in body


def test_the_tracking_page_says_so_when_a_code_is_unknown():
    response = Client().get(reverse("hazards:track"), {"code": "ABCDEFGHJKMN"})
    assert response.status_code == 200 and response.context["hazard"] is None
    assert "没有找到该查询码" in response.content.decode()


def test_the_school_sees_no_phone_of_the_reporter_and_it_is_encrypted_at_rest(city, point):
    from django.db import connection

    client = Client()
    code = code_of(submit(client, point, {**form_of(client, point), "phone": "13800138000"}))
    hazard = Hazard.objects.get(tracking_code=code)
    assert hazard.reporter_phone == "13800138000"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM hazards_hazard WHERE id = %s", [hazard.pk])
        assert "13800138000" not in cursor.fetchone()[0]
    page = city.client_for("principal").get(reverse("hazards:detail", args=[hazard.pk]))
    assert "13800138000" not in page.content.decode()


def test_the_poster_is_a_pdf_for_school_managers_only(city):
    officer_client = city.client_for("principal")
    response = officer_client.get(reverse("hazards:poster"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert ReportPoint.objects.filter(unit=city.school_a1).exists()
    assert city.client_for("teacher").get(reverse("hazards:poster")).status_code == 403


def test_it_takes_a_report_in_a_few_statements_whatever_session_the_browser_carries(city, point):
    client = city.client_for("teacher")
    submit(client, point, form_of(client, point))  # first use warms the rules copy and the content types
    data = form_of(client, point)
    with CaptureQueriesContext(connection) as captured:
        response = submit(client, point, data)
    assert response.status_code == 200
    # the point lookup, then the insert, its audit entry and its number in one transaction: nothing else
    assert len(captured) <= 6
    statements = " ".join(query["sql"] for query in captured.captured_queries)
    assert "django_session" not in statements and "orgs_user" not in statements
    assert Hazard.objects.filter(tracking_code=code_of(response)).exists()


def test_a_report_is_audited_like_any_other_insert(city, point):
    from auditlog.models import LogEntry

    client = Client()
    hazard = Hazard.objects.get(tracking_code=code_of(submit(client, point, form_of(client, point))))
    entries = LogEntry.objects.get_for_object(hazard)
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE]
    entry = entries[0]
    assert entry.object_id == hazard.pk and entry.object_pk == str(hazard.pk) and entry.actor is None
    assert entry.additional_data == {"unit_path": city.school_a1.path}
    assert entry.changes_dict["id"] == ["None", str(hazard.pk)]
    assert entry.changes_dict["place"][1] == hazard.place and entry.changes_dict["state"][1] == hazard.state
    assert "reporter_phone" not in entry.changes_dict and "tracking_code" not in entry.changes_dict
    assert hazard.number == f"YH-{timezone.localtime(hazard.reported_at):%Y}-{hazard.pk:06d}"
