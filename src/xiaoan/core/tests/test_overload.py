"""Load shedding: a public request that waited too long for a thread gets a prepared 503 before Django runs."""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from xiaoan.core import overload
from xiaoan.core.middleware import public_endpoint
from xiaoan.core.overload import RULE, WORKER_CLASS, busy_bytes, should_shed
from xiaoan.core.rules.registry import get_spec
from xiaoan.core.rules.services import rule_set

pytestmark = pytest.mark.django_db
RECEIPT = "/families/r/abcdef/"


@pytest.fixture(autouse=True)
def _fresh_prepared():
    overload._prepared.clear()  # prefixes and answer bytes are prepared once per process
    yield
    overload._prepared.clear()


def test_it_sheds_a_public_request_only_above_the_threshold():
    assert not should_shed(RECEIPT, 0.45)
    assert should_shed(RECEIPT, 0.55)
    assert should_shed("/hazards/r/abc/", 3.0)
    assert not should_shed(RECEIPT, None)  # not served by the timing worker (tests, runserver)


def test_it_never_sheds_staff_pages_or_the_health_check():
    for staff in ("/", "/families/", "/accounts/login/", "/api/v1/hazards/", "/healthz"):
        assert not should_shed(staff, 30.0)


def test_the_threshold_is_a_rule_the_city_can_raise(city):
    assert get_spec(RULE).default == 500
    rule_set(actor=city.city_admin, key=RULE, raw_value="2000", valid_from=timezone.localdate())
    assert not should_shed(RECEIPT, 1.5)
    assert should_shed(RECEIPT, 2.5)


def test_the_rule_refuses_a_threshold_below_its_floor():
    with pytest.raises(ValueError):
        get_spec(RULE).parse("10")


def test_a_rule_that_cannot_be_read_falls_back_to_the_default(monkeypatch):
    def broken(key, on=None):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr("xiaoan.core.rules.services.get_rule", broken)
    assert not should_shed(RECEIPT, 0.45)
    assert should_shed(RECEIPT, 0.55)


def parse(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, body = raw.split(b"\r\n\r\n", 1)
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


def test_the_busy_answer_is_small_bilingual_uncached_and_says_when_to_retry():
    status, headers, body = parse(busy_bytes(keep_alive=True))
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert headers["Retry-After"] == "10"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Connection"] == "keep-alive"
    assert int(headers["Content-Length"]) == len(body) < 1024
    text = body.decode()
    assert "系统繁忙" in text and "The system is busy" in text
    assert parse(busy_bytes(keep_alive=False))[1]["Connection"] == "close"


@public_endpoint
def public_view(request, token):
    return HttpResponse(token)


urlpatterns = [path("open/<str:token>/", public_view), path("", include("xiaoan.config.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_the_busy_answer_carries_the_headers_of_a_page_on_the_thin_path():
    page = Client().get("/open/abc/")
    _status, busy, _body = parse(busy_bytes(keep_alive=True))
    for name, value in page.items():
        if name not in {"Content-Type", "Content-Length"}:
            assert busy.get(name) == value, name
    assert busy["Content-Type"] == page["Content-Type"]


# --- the worker class --------------------------------------------------------------------------------------------


class FakeSocket:
    def __init__(self):
        self.sent = b""

    def sendall(self, data):
        self.sent += data


class FakeConn:
    def __init__(self):
        self.sock = FakeSocket()


class FakeRequest:
    def __init__(self, path, close=False):
        self.path, self.close = path, close

    def should_close(self):
        return self.close


@pytest.fixture
def worker(monkeypatch):
    from types import SimpleNamespace

    from gunicorn.workers.gthread import ThreadWorker

    from xiaoan.core.overload_worker import QueueTimingThreadWorker

    served = []
    monkeypatch.setattr(ThreadWorker, "enqueue_req", lambda self, conn: None)
    monkeypatch.setattr(ThreadWorker, "handle", lambda self, conn: self.handle_request(conn.request, conn))
    monkeypatch.setattr(ThreadWorker, "handle_request", lambda self, req, conn: served.append(req.path) or True)
    instance = QueueTimingThreadWorker.__new__(QueueTimingThreadWorker)  # no sockets, no arbiter
    instance.alive, instance.cfg = True, SimpleNamespace(keepalive=5)
    return instance, served


def queued(instance, request, seconds):
    conn = FakeConn()
    conn.request = request
    instance.enqueue_req(conn)
    conn.xiaoan_queued_at -= seconds  # as if it had waited that long
    return conn


def test_the_worker_stamps_each_queued_connection_and_times_its_wait(worker):
    instance, served = worker
    conn = FakeConn()
    conn.request = FakeRequest("/")
    instance.enqueue_req(conn)
    time.sleep(0.06)
    instance.handle(conn)
    assert 0.06 <= conn.xiaoan_wait < 1
    assert served == ["/"]


def test_the_worker_answers_a_stale_public_request_itself_without_running_the_application(worker):
    instance, served = worker
    conn = queued(instance, FakeRequest(RECEIPT), 2.0)
    assert instance.handle(conn) is True
    assert served == []
    assert conn.sock.sent == busy_bytes(keep_alive=True)


def test_the_worker_closes_after_a_refusal_when_the_client_asked_to(worker):
    instance, _served = worker
    conn = queued(instance, FakeRequest(RECEIPT, close=True), 2.0)
    assert instance.handle(conn) is False
    assert conn.sock.sent == busy_bytes(keep_alive=False)


def test_the_worker_serves_fresh_public_requests_and_every_staff_request(worker):
    instance, served = worker
    for request, seconds in ((FakeRequest(RECEIPT), 0.1), (FakeRequest("/accounts/login/"), 30.0)):
        conn = queued(instance, request, seconds)
        assert instance.handle(conn) is True
        assert conn.sock.sent == b""
    assert served == [RECEIPT, "/accounts/login/"]


def test_the_worker_restamps_a_kept_alive_connection_for_each_request(worker):
    instance, _served = worker
    conn = queued(instance, FakeRequest("/"), 1.0)
    instance.handle(conn)
    first = conn.xiaoan_wait
    instance.enqueue_req(conn)  # readable again on a kept-alive connection
    instance.handle(conn)
    assert first >= 1.0 and conn.xiaoan_wait < 0.5


SLOW_APP = """
import os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoan.config.settings_test")
import django
django.setup()

def application(environ, start_response):
    time.sleep(0.3)
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]
"""


def _get(port: int, path: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def _burst(port: int, path: str) -> list[int]:
    """Four requests a few milliseconds apart; answers in the order they were sent."""
    statuses: dict[int, int] = {}
    threads = []
    for index in range(4):
        thread = threading.Thread(target=lambda i=index: statuses.__setitem__(i, _get(port, path)))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=20)
    return [statuses.get(index, 0) for index in range(4)]


def test_gunicorn_runs_the_worker_class_and_sheds_only_public_requests_that_waited(tmp_path):
    """One worker, one thread, an application that takes 0.3 s: of four requests sent together the last two wait
    0.6 s and 0.9 s for the thread, more than the default 500 ms — when they are public."""
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = Path(__file__).resolve().parents[3]
    command = [sys.executable, "-m", "gunicorn", "slow_app:application", "--worker-class", WORKER_CLASS,
               "--workers", "1", "--threads", "1", "--bind", f"127.0.0.1:{port}",
               "--pythonpath", f"{tmp_path},{source}"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        public = _burst(port, RECEIPT)
        staff = _burst(port, "/accounts/login/")
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert public == [200, 200, 503, 503]
    assert staff == [200, 200, 200, 200]


def test_xiaoan_serve_runs_the_timing_worker_with_room_for_a_flood():
    from xiaoan.cli import _gunicorn_command

    command = _gunicorn_command("127.0.0.1", 8000, 3, 4, [])
    assert command[command.index("--worker-class") + 1] == WORKER_CLASS
    assert command[command.index("--worker-connections") + 1] == "2000"
