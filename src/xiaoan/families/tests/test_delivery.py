import datetime as dt

import pytest
from django.utils import timezone

from xiaoan.core.errors import PermissionDenied
from xiaoan.core.notifications.sms import MemorySmsBackend, SmsResult
from xiaoan.families import delivery
from xiaoan.families.delivery import Throttle, deliver, letter_remind, retry_due
from xiaoan.families.models import ReceiptLink, SmsState
from xiaoan.families.testing import published_letter, receipt_of, token_of

pytestmark = pytest.mark.django_db
REASON = "test"


@pytest.fixture(autouse=True)
def outbox():
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def letter(city, roster):
    return published_letter(city)


def states(letter) -> dict[str, int]:
    links = ReceiptLink.objects.system(REASON).filter(letter=letter)
    return {state: links.filter(sms_state=state).count() for state in SmsState.values if links.filter(sms_state=state)}


def test_it_texts_every_guardian_with_a_mobile_the_personal_link(letter, roster, outbox):
    counts = deliver(letter.pk, sleep=lambda s: None)
    assert counts == {"sent": 7, "failed": 0, "no_mobile": 1}
    phones = [phone for phone, _text in outbox]
    assert len(phones) == 7 and phones.count("13800138001") == 2  # the brothers' guardian: one text per child
    text = dict((phone, text) for phone, text in outbox)["13800138003"]
    assert token_of(letter, roster.pupils["wang"]) in text and "王*红" in text and "王小红" not in text
    assert states(letter) == {SmsState.SENT: 7, SmsState.NO_MOBILE: 1}


def test_a_guardian_without_a_mobile_is_marked_by_the_job_without_a_throttle_slot(letter, roster, monkeypatch):
    waits: list[int] = []

    class CountingThrottle(Throttle):
        def wait(self) -> None:
            waits.append(1)
            super().wait()

    monkeypatch.setattr(delivery, "Throttle", CountingThrottle)
    zhao = ReceiptLink.objects.system(REASON).get(receipt=receipt_of(letter, roster.pupils["zhao"]))
    assert zhao.sms_state == SmsState.QUEUED  # publication does not read the guardians
    assert deliver(letter.pk, sleep=lambda s: None) == {"sent": 7, "failed": 0, "no_mobile": 1}
    zhao.refresh_from_db()
    assert zhao.sms_state == SmsState.NO_MOBILE and zhao.sms_attempts == 0
    assert len(waits) == 7


def test_it_sends_in_batches_and_queues_itself_for_the_rest(letter, outbox, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(delivery, "BATCH", 2)
    monkeypatch.setattr(delivery, "queue_delivery", queued.append)
    counts = deliver(letter.pk, budget=5, sleep=lambda s: None)  # the budget counts links handled
    assert counts["sent"] + counts["no_mobile"] == 5 and len(outbox) == counts["sent"]
    assert queued == [letter.pk]
    rest = deliver(letter.pk, sleep=lambda s: None)
    assert counts["sent"] + rest["sent"] == 7 and len(outbox) == 7


def test_the_throttle_spaces_messages_by_the_rate():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    throttle = Throttle(4, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        throttle.wait()
    assert slept == [0.25, 0.25]


def test_a_failed_message_is_retried_with_back_off_until_the_attempts_run_out(letter, monkeypatch):
    monkeypatch.setattr(delivery, "send_sms", lambda phone, text: SmsResult(ok=False, status=503, error="busy"))
    deliver(letter.pk, sleep=lambda s: None)
    link = ReceiptLink.objects.system(REASON).filter(letter=letter, sms_state=SmsState.FAILED).first()
    assert link.sms_attempts == 1 and link.sms_error == "busy"
    assert link.sms_next_at > timezone.now() + dt.timedelta(minutes=1)
    assert retry_due() == 0  # not yet due
    later = timezone.now() + dt.timedelta(minutes=3)
    assert retry_due(now=later) == 7
    for _ in range(3):
        deliver(letter.pk, sleep=lambda s: None)
        retry_due(now=timezone.now() + dt.timedelta(days=1))
    link.refresh_from_db()
    assert link.sms_attempts == 4 and link.sms_state == SmsState.FAILED and link.sms_next_at is None


def test_a_failure_then_success_ends_sent(letter, monkeypatch, outbox):
    results = iter([SmsResult(ok=False, error="timeout")] + [SmsResult(ok=True)] * 20)
    monkeypatch.setattr(delivery, "send_sms", lambda phone, text: next(results))
    deliver(letter.pk, sleep=lambda s: None)
    retry_due(now=timezone.now() + dt.timedelta(minutes=5))
    deliver(letter.pk, sleep=lambda s: None)
    assert states(letter) == {SmsState.SENT: 7, SmsState.NO_MOBILE: 1}


def _sent_yesterday(letter) -> None:
    yesterday = timezone.now() - dt.timedelta(days=1)
    ReceiptLink.objects.system(REASON).filter(letter=letter).exclude(guardian__mobile_hash__isnull=True).update(
        sms_state=SmsState.SENT, sms_sent_at=yesterday
    )


def test_reminders_go_only_to_guardians_who_have_not_confirmed_and_once_a_day(letter, roster, city, outbox):
    from django.test import Client
    from django.urls import reverse

    _sent_yesterday(letter)
    token = token_of(letter, roster.pupils["wang"])
    Client().post(reverse("families:receipt", args=[token]), {"t": token})
    assert letter_remind(actor=city.city_officer, letter=letter) == 6
    deliver(letter.pk, sleep=lambda s: None)
    assert "13800138003" not in [phone for phone, _ in outbox]
    assert all(text.startswith("提醒") for _phone, text in outbox)
    assert letter_remind(actor=city.city_officer, letter=letter) == 0  # already reminded today


def test_a_school_reminds_only_its_own_families(letter, city, roster):
    _sent_yesterday(letter)
    assert letter_remind(actor=city.principal, letter=letter) == 5
    reminded = ReceiptLink.objects.system(REASON).filter(letter=letter, reminded_on__isnull=False)
    assert set(reminded.values_list("receipt__unit_id", flat=True)) == {city.school_a1.pk}


def test_a_teacher_cannot_send_reminders(letter, city):
    with pytest.raises(PermissionDenied):
        letter_remind(actor=city.teacher, letter=letter)


def test_a_confirmed_receipt_is_not_reminded_even_by_its_second_guardian(letter, roster, city):
    from xiaoan.families.models import ReceiptState

    _sent_yesterday(letter)
    receipt = receipt_of(letter, roster.pupils["zhang"])
    type(receipt).objects.system(REASON).filter(pk=receipt.pk).update(state=ReceiptState.CONFIRMED)
    letter_remind(actor=city.city_officer, letter=letter)
    assert not ReceiptLink.objects.system(REASON).filter(receipt=receipt, reminded_on__isnull=False).exists()
