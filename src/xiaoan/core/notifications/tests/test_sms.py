import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from xiaoan.core.notifications.sms import (
    ConsoleSmsBackend,
    HttpSmsBackend,
    InvalidMobile,
    normalize_mobile,
    send_sms,
)


class FakeProvider:
    """A real HTTP server on 127.0.0.1 that records POSTs and answers with a chosen status."""

    def __init__(self, status=200, reply=None):
        self.requests = []
        self.status = status
        self.reply = reply if reply is not None else {"message_id": "msg-001"}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                provider.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                payload = json.dumps(provider.reply).encode()
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_sms(settings):
    settings.XIAOAN_SMS_BACKEND = "xiaoan.core.notifications.sms.HttpSmsBackend"
    settings.XIAOAN_SMS_API_KEY = "key-123"
    settings.XIAOAN_SMS_SIGN = "校安"
    settings.XIAOAN_SMS_TIMEOUT = 3
    return settings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"), ("8619912345678", "19912345678")],
)
def test_it_normalises_mainland_mobile_numbers(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["", "1380013800", "23800138000", "12800138000", "0371-63123456", "138001380001"])
def test_it_refuses_numbers_that_are_not_mainland_mobiles(raw):
    with pytest.raises(InvalidMobile):
        normalize_mobile(raw)


def test_it_posts_json_with_the_bearer_key_to_the_provider(http_sms):
    with FakeProvider() as provider:
        http_sms.XIAOAN_SMS_URL = provider.url
        result = send_sms("138 0013 8000", "请于今日完成消防检查。")

    assert result.ok and result.status == 200 and result.message_id == "msg-001"
    [request] = provider.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer key-123"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(request["body"]) == {"phone": "13800138000", "text": "请于今日完成消防检查。", "sign": "校安"}


def test_it_records_a_provider_error_as_a_failure_without_raising(http_sms, caplog):
    with FakeProvider(status=500, reply={"message": "余额不足"}) as provider:
        http_sms.XIAOAN_SMS_URL = provider.url
        result = send_sms("13800138000", "测试")

    assert not result.ok
    assert result.status == 500
    assert result.error == "余额不足"
    assert len(provider.requests) == 1
    assert any("SMS to 138****8000 failed" in record.getMessage() for record in caplog.records)


def test_it_records_an_unreachable_provider_as_a_failure(http_sms):
    with FakeProvider() as provider:
        url = provider.url
    http_sms.XIAOAN_SMS_URL = url  # the server is closed now

    result = send_sms("13800138000", "测试")

    assert not result.ok and result.status is None and result.error


def test_it_refuses_a_provider_url_that_is_not_http(http_sms):
    http_sms.XIAOAN_SMS_URL = "file:///etc/passwd"

    result = HttpSmsBackend().send("13800138000", "测试")

    assert not result.ok and "http" in result.error


def test_the_console_backend_prints_the_message(capsys):
    result = ConsoleSmsBackend().send("13800138000", "演练通知")

    assert result.ok
    assert "13800138000: 演练通知" in capsys.readouterr().out


def test_an_invalid_number_is_refused_before_any_backend_is_called(sms_outbox):
    with pytest.raises(InvalidMobile):
        send_sms("110", "测试")

    assert sms_outbox == []
