import email
import email.header
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from xiaoan.core.notifications.services import notify


class Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "xiaoan@bureau.example"
    yield recorder
    controller.stop()


def test_it_delivers_notification_email_over_real_smtp_with_a_chinese_subject(
    city, hazard_event, context, smtp_server, django_capture_on_commit_callbacks
):
    city.principal.email = "principal@school.example"
    city.principal.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify([city.principal, city.teacher], hazard_event.key, context)

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["principal@school.example"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert subject.strip() == "隐患整改任务：消防通道堵塞 & 灭火器过期"  # Django folds the encoded words
    assert message["From"] == "xiaoan@bureau.example"
    assert "请于3月5日前完成整改" in message.get_content()
