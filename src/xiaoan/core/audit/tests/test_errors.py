import pytest

from xiaoan.core.audit.models import AuditEvent, AuditKind
from xiaoan.core.scoping import UnscopedQueryError

pytestmark = pytest.mark.urls("xiaoan.core.audit.tests.error_urls")


def test_a_role_without_the_permission_gets_a_403_page_and_the_denial_is_recorded(city):
    response = city.client_for("viewer").get("/test/change-unit/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "您的角色无权执行此操作" in body
    assert 'data-testid="error-page"' in body
    event = AuditEvent.objects.get(kind=AuditKind.PERMISSION_DENIED)
    assert event.actor == city.viewer
    assert event.unit_path == city.county_a.path
    assert event.detail["path"] == "/test/change-unit/"


def test_a_role_with_the_permission_passes(city):
    response = city.client_for("county_a_admin").get("/test/change-unit/")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.PERMISSION_DENIED).exists()


def test_the_api_gets_the_denial_as_json(city):
    response = city.client_for("viewer").get("/api/test/change-unit/")
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权执行此操作。"}


def test_djangos_own_permission_denied_is_a_friendly_403_too(city):
    response = city.client_for("teacher").get("/test/django-denied/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.PERMISSION_DENIED, actor=city.teacher).exists()


def test_a_domain_error_gets_its_status_and_message(city):
    response = city.client_for("teacher").get("/test/conflict/")
    assert response.status_code == 409
    assert "该记录已被他人修改" in response.content.decode()


def test_htmx_requests_get_the_message_partial_aimed_at_the_message_area(city):
    response = city.client_for("teacher").get("/test/conflict/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    body = response.content.decode()
    assert body.startswith('<div class="alert alert-danger"')
    assert "该记录已被他人修改" in body
    assert response["HX-Retarget"] == "#xa-messages"


def test_an_unscoped_query_is_not_swallowed(city):
    client = city.client_for("teacher")
    client.raise_request_exception = True
    with pytest.raises(UnscopedQueryError):
        client.get("/test/leaky/")


def test_a_missing_page_is_a_chinese_404_page(city):
    response = city.client_for("teacher").get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_500_page_renders_without_a_request_or_database(db, django_assert_num_queries):
    from django.template.loader import get_template

    with django_assert_num_queries(0):
        html = get_template("500.html").render()
    assert "系统出错了" in html and "Something went wrong" in html
