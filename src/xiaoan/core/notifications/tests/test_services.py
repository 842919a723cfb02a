import logging

import pytest
from django.core import mail

from xiaoan.core.errors import OutOfScope
from xiaoan.core.notifications.models import Notification
from xiaoan.core.notifications.registry import register_event
from xiaoan.core.notifications.services import notification_mark_read, notifications_mark_all_read, notify


def test_it_puts_one_inbox_row_per_recipient_with_the_rendered_texts(city, hazard_event, context):
    rows = notify([city.principal, city.teacher, city.principal], hazard_event.key, context)

    assert len(rows) == 2
    row = Notification.objects.get(recipient=city.principal)
    assert row.title == "隐患整改任务：消防通道堵塞 & 灭火器过期"  # plain text: no HTML escaping
    assert row.body == "宛城区第一小学发现隐患“消防通道堵塞 & 灭火器过期”，请于3月5日前完成整改。"
    assert row.url == "/inbox/"
    assert row.read_at is None


def test_it_creates_the_inbox_rows_in_one_bulk_insert(city, hazard_event, context, django_assert_max_num_queries):
    people = [city.principal, city.teacher, city.guard, city.school_admin, city.county_a_officer]

    with django_assert_max_num_queries(3):  # savepoint, one INSERT, release
        notify(people, hazard_event.key, context, channels=("inbox",))

    assert Notification.objects.count() == 5


def test_it_sends_one_email_per_recipient_with_an_address_after_commit(
    city, hazard_event, context, django_capture_on_commit_callbacks
):
    city.principal.email = "principal@school.example"
    city.principal.save()
    city.county_a_officer.email = "officer@county.example"
    city.county_a_officer.save()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([city.principal, city.county_a_officer, city.teacher], hazard_event.key, context)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    assert sorted(message.to[0] for message in mail.outbox) == ["officer@county.example", "principal@school.example"]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert mail.outbox[0].subject == "隐患整改任务：消防通道堵塞 & 灭火器过期"


def test_it_sends_sms_to_valid_mainland_numbers_only(
    city, hazard_event, context, sms_outbox, django_capture_on_commit_callbacks
):
    city.principal.phone = "+86 138-0013-8000"
    city.principal.save()
    city.teacher.phone = "12345"
    city.teacher.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify([city.principal, city.teacher], hazard_event.key, context, channels=("sms",))

    assert sms_outbox == [("13800138000", "【整改】消防通道堵塞 & 灭火器过期，期限3月5日")]
    assert not Notification.objects.exists()


def test_it_uses_the_events_default_channels_when_none_are_given(
    city, context, sms_outbox, django_capture_on_commit_callbacks
):
    event = register_event("tests.sms_only", "演练提醒", "{{ school }}明天演练", ("sms",))
    city.principal.phone = "13900139000"
    city.principal.email = "p@school.example"
    city.principal.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify([city.principal], event.key, context)

    assert sms_outbox == [("13900139000", "宛城区第一小学明天演练")]
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_it_skips_inactive_accounts(city, hazard_event, context):
    city.teacher.is_active = False
    city.teacher.save()

    notify([city.teacher, city.guard], hazard_event.key, context)

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["guard"]


def test_it_renders_bodies_from_template_files(city, context, settings, tmp_path):
    (tmp_path / "notify_body.txt").write_text("请查看：{{ hazard }}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    event = register_event("tests.from_file", "标题", "notify_body.txt", ("inbox",))

    notify([city.guard], event.key, context)

    assert Notification.objects.get().body == "请查看：消防通道堵塞 & 灭火器过期"


def test_it_refuses_an_event_nobody_registered(city, context):
    with pytest.raises(LookupError):
        notify([city.guard], "tests.never_registered", context)


def test_a_mail_server_failure_is_logged_and_never_reaches_the_caller(
    city, hazard_event, context, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    city.principal.email = "principal@school.example"
    city.principal.save()

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        rows = notify([city.principal], hazard_event.key, context)

    assert len(rows) == 1
    assert any("mail server" in record.getMessage() for record in caplog.records)


def test_marking_one_read_sets_the_time_once_and_only_for_the_recipient(city, hazard_event, context):
    [row] = notify([city.guard], hazard_event.key, context)

    with pytest.raises(OutOfScope):
        notification_mark_read(user=city.teacher, notification=row)
    first = notification_mark_read(user=city.guard, notification=row).read_at
    second = notification_mark_read(user=city.guard, notification=row).read_at

    assert first is not None and first == second


def test_marking_all_read_touches_only_the_users_unread_rows(city, hazard_event, context):
    notify([city.guard, city.teacher], hazard_event.key, context)
    notify([city.guard], hazard_event.key, context)

    assert notifications_mark_all_read(user=city.guard) == 2
    assert Notification.objects.filter(recipient=city.teacher, read_at__isnull=True).count() == 1
