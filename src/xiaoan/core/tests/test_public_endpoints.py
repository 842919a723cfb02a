"""The thin path of views marked ``@public_endpoint``: no session stack, but the safety nets stay."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from xiaoan.core.errors import Conflict
from xiaoan.core.middleware import public_endpoint, public_prefixes
from xiaoan.core.ratelimit import counter_cache, hit

pytestmark = pytest.mark.django_db


@public_endpoint
def who_am_i(request, token):
    touched_session = hasattr(request, "session")
    return HttpResponse(f"{token}:{request.user.is_authenticated}:{touched_session}:{request.LANGUAGE_CODE}")


@public_endpoint
def refuses(request, token):
    raise Conflict("已经处理过了。 Already handled.")


def staff_only(request):
    return HttpResponse(f"staff:{request.user.is_authenticated}:{getattr(request, 'membership', None) is not None}")


urlpatterns = [
    path("open/<str:token>/", who_am_i),
    path("open-refusing/<str:token>/", refuses),
    path("inside/", staff_only),
    path("", include("xiaoan.config.urls")),  # the error pages link to the project's pages
]
thin = override_settings(ROOT_URLCONF=__name__)


def test_it_finds_the_public_prefixes_of_the_project_in_its_urlconf():
    prefixes = public_prefixes()
    assert {"/families/r/", "/hazards/r/", "/hazards/track/"} <= prefixes
    assert not any(prefix.startswith(("/accounts/", "/api/")) for prefix in prefixes)


@thin
def test_it_serves_a_public_endpoint_without_reading_a_signed_in_session(city, django_assert_num_queries):
    client = city.client_for("principal")
    with django_assert_num_queries(0):
        response = client.get("/open/abc/")
    assert response.content == b"abc:False:False:zh-hans"
    assert not response.cookies


@thin
def test_it_keeps_the_security_headers_on_the_thin_path():
    response = Client().get("/open/abc/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Content-Language"] == "zh-hans"


@thin
def test_it_honours_the_language_switch_on_the_thin_path():
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.get("/open/abc/").content.endswith(b":en")


@thin
def test_it_turns_a_domain_error_into_its_answer_on_the_thin_path():
    response = Client().get("/open-refusing/abc/")
    assert response.status_code == 409
    assert "已经处理过了" in response.content.decode()


@thin
def test_it_refuses_a_foreign_host_on_the_thin_path():
    assert Client(HTTP_HOST="evil.example").get("/open/abc/").status_code == 400


@thin
def test_it_leaves_every_other_path_on_the_full_stack(city):
    response = city.client_for("principal").get("/inside/")
    assert response.content == b"staff:True:True"


def test_it_counts_hits_per_key_in_the_counter_cache():
    assert [hit("xa:test:a", window_seconds=60) for _ in range(3)] == [1, 2, 3]
    assert hit("xa:test:b", window_seconds=60) == 1
    assert counter_cache().get("xa:test:a") == 3


def test_it_starts_again_when_a_counter_vanished_between_add_and_incr(monkeypatch):
    store = counter_cache()
    hit("xa:test:gone", window_seconds=60)
    monkeypatch.setattr(store, "incr", lambda *args, **kwargs: (_ for _ in ()).throw(ValueError("gone")))
    assert hit("xa:test:gone", window_seconds=60) == 1


def test_the_process_counters_count_expire_and_forget_old_windows(monkeypatch):
    from xiaoan.core import ratelimit

    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    store = ratelimit.ProcessCounters("", {"OPTIONS": {"MAX_ENTRIES": 3}})
    assert store.add("a", 1, 60) and not store.add("a", 1, 60)
    assert store.incr("a") == 2 and store.get("a") == 2
    clock[0] += 61
    assert store.get("a") is None and store.add("a", 1, 60)  # the window passed: counting starts again
    with pytest.raises(ValueError):
        store.incr("missing")
    for key in ("b", "c", "d"):
        store.set(key, 1, 10)
    clock[0] += 11
    store.set("e", 1, 60)  # past MAX_ENTRIES: the expired windows are dropped
    assert sorted(store._data) == sorted(store.make_key(key) for key in ("a", "e"))
