import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.rules.services import rule_set
from xiaoan.families.models import Channel, Letter, LetterState, ReceiptLink, ReceiptState, ReceiptTally
from xiaoan.families.testing import published_letter, receipt_of, token_of

pytestmark = pytest.mark.django_db
REASON = "test"


def url(token: str) -> str:
    return reverse("families:receipt", args=[token])


@pytest.fixture
def letter(city, roster):
    return published_letter(city)


def tally(letter, school_class) -> int:
    return ReceiptTally.objects.system(REASON).get(letter=letter, school_class=school_class).confirmed


def test_it_shows_the_letter_with_the_pupils_name_masked(letter, roster):
    response = Client().get(url(token_of(letter, roster.pupils["zhang"])))
    html = response.content.decode()
    assert response.status_code == 200
    assert "张*明" in html and "张小明" not in html
    assert "<strong>看护好</strong>" in html and "我已阅读本信" in html
    assert "三年级（1）班" in html and "宛城区第一小学" in html


def test_it_is_small_uncached_without_referrer_and_without_javascript(letter, roster):
    response = Client().get(url(token_of(letter, roster.pupils["zhang"])))
    html = response.content.decode()
    assert len(response.content) < 30 * 1024
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "<script" not in html and "stylesheet" not in html


def test_it_sets_no_cookie_and_never_touches_the_session_table(letter, roster):
    token = token_of(letter, roster.pupils["zhang"])
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        client.get(url(token))
        response = client.post(url(token), {"t": token, "item": ["0"]})
    assert response.status_code == 200
    assert not response.cookies and not client.cookies
    assert not [q for q in captured if "django_session" in q["sql"]]


def test_the_page_is_one_lookup_and_the_confirmation_one_conditional_write(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    with CaptureQueriesContext(connection) as captured:
        Client().get(url(token))
    reads = [q["sql"] for q in captured if "families_receiptlink" in q["sql"]]
    assert len(reads) == 1 and "token_hash" in reads[0]
    with CaptureQueriesContext(connection) as captured:
        Client().post(url(token), {"t": token})
    writes = [q["sql"] for q in captured if "UPDATE" in q["sql"]]
    assert writes and all("families_receipt" in sql for sql in writes)
    if connection.vendor == "postgresql":  # lookup, receipt and class counter in one statement
        assert len(captured) == 1 and "token_hash" in writes[0] and "families_receipttally" in writes[0]
    else:  # the lookup, then the receipt and the class counter in a transaction
        assert len(writes) == 2


def test_a_repeated_confirmation_is_counted_in_the_same_single_statement_on_postgresql(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    Client().post(url(token), {"t": token})
    with CaptureQueriesContext(connection) as captured:
        again = Client().post(url(token), {"t": token})
    assert 'data-testid="receipt-already"' in again.content.decode()
    assert receipt_of(letter, roster.pupils["wang"]).later_confirmations == 1
    assert tally(letter, roster.class_a) == 1  # the class counted it once, not twice
    if connection.vendor == "postgresql":
        assert len(captured) == 1 and "later_confirmations" in captured[0]["sql"]


def test_a_guardian_confirms_with_ticked_items_and_the_class_rate_moves(letter, roster):
    token = token_of(letter, roster.pupils["zhang"])
    response = Client().post(url(token), {"t": token, "item": ["1", "7", "x"]})
    assert response.status_code == 200
    assert 'data-testid="receipt-done"' in response.content.decode()
    receipt = receipt_of(letter, roster.pupils["zhang"])
    assert receipt.state == ReceiptState.CONFIRMED and receipt.channel == Channel.LINK
    assert receipt.items_ticked == [1]
    assert receipt.confirmed_by_guardian.name == "张伟"
    assert tally(letter, roster.class_a) == 1


def test_confirming_twice_or_from_the_second_guardian_records_one_receipt(letter, roster):
    first, second = token_of(letter, roster.pupils["zhang"], 0), token_of(letter, roster.pupils["zhang"], 1)
    Client().post(url(first), {"t": first})
    again = Client().post(url(first), {"t": first})
    other = Client().post(url(second), {"t": second})
    assert again.status_code == other.status_code == 200
    assert 'data-testid="receipt-already"' in other.content.decode()
    receipt = receipt_of(letter, roster.pupils["zhang"])
    assert receipt.confirmed_by_guardian.name == "张伟"  # the first confirmation wins
    assert receipt.later_confirmations == 2
    assert tally(letter, roster.class_a) == 1


def test_after_confirmation_the_page_shows_the_receipt_instead_of_the_button(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    Client().post(url(token), {"t": token, "item": ["0"]})
    html = Client().get(url(token)).content.decode()
    assert 'data-testid="receipt-confirmed"' in html and 'data-testid="receipt-confirm"' not in html


def test_a_wrong_token_gets_a_friendly_404(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense", "x" * 200):
        response = Client().get(url(wrong))
        assert response.status_code == 404
        assert 'data-testid="receipt-unknown"' in response.content.decode()


def test_a_post_without_its_token_in_the_form_changes_nothing(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    response = Client().post(url(token), {})
    assert response.status_code == 404
    assert receipt_of(letter, roster.pupils["wang"]).state == ReceiptState.PENDING


def test_an_expired_token_gets_a_friendly_410_and_cannot_confirm(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    ReceiptLink.objects.system(REASON).filter(letter=letter).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().post(url(token), {"t": token})
    assert response.status_code == 410
    assert 'data-testid="receipt-expired"' in response.content.decode()
    assert receipt_of(letter, roster.pupils["wang"]).state == ReceiptState.PENDING


def test_links_expire_the_configured_days_after_the_deadline(city, roster):
    rule_set(actor=city.city_admin, key="families.link_valid_days_after_deadline", raw_value=5,
             valid_from=timezone.localdate())  # fmt: skip
    letter = published_letter(city)
    link = ReceiptLink.objects.system(REASON).filter(letter=letter).first()
    assert timezone.localtime(link.expires_at).date() == letter.deadline + dt.timedelta(days=5)


def test_it_limits_the_requests_per_ip(city, roster, letter):
    rule_set(actor=city.city_admin, key="families.receipt_page_per_ip_per_minute", raw_value=10,
             valid_from=timezone.localdate())  # fmt: skip
    token = token_of(letter, roster.pupils["wang"])
    statuses = [Client(REMOTE_ADDR="10.0.0.7").get(url(token)).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
    assert Client(REMOTE_ADDR="10.0.0.8").get(url(token)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_confirmations_of_one_token_record_one_receipt():
    from xiaoan.families.testing import build_roster
    from xiaoan.orgs.testing import build_city

    city = build_city()
    roster = build_roster(city)
    letter = published_letter(city)
    token = token_of(letter, roster.pupils["zhang"])
    statuses: list[int] = []
    barrier = threading.Barrier(50)

    def confirm() -> None:
        try:
            barrier.wait()
            statuses.append(Client().post(url(token), {"t": token}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 50
    receipt = receipt_of(letter, roster.pupils["zhang"])
    assert receipt.state == ReceiptState.CONFIRMED and receipt.later_confirmations == 49
    assert tally(letter, roster.class_a) == 1


def test_it_reads_no_session_even_when_the_guardian_is_signed_in_as_staff(city, letter, roster):
    client = city.client_for("teacher")  # a teacher who is also a parent opens the link in the same browser
    token = token_of(letter, roster.pupils["zhang"])
    with CaptureQueriesContext(connection) as viewing:
        page = client.get(url(token))
    with CaptureQueriesContext(connection) as confirming:
        confirmed = client.post(url(token), {"t": token})
    assert page.status_code == confirmed.status_code == 200
    assert len(viewing) == 1  # the link lookup
    # the lookup and the conditional write (one statement on PostgreSQL; SQLite's portable path takes a few)
    assert len(confirming) <= 6
    statements = " ".join(query["sql"] for query in [*viewing.captured_queries, *confirming.captured_queries])
    assert "django_session" not in statements and "orgs_user" not in statements
    assert not page.cookies and not confirmed.cookies
    assert receipt_of(letter, roster.pupils["zhang"]).state == ReceiptState.CONFIRMED


def test_a_letter_that_is_not_open_confirms_nothing(letter, roster):
    token = token_of(letter, roster.pupils["wang"])
    Letter.objects.system(REASON).filter(pk=letter.pk).update(state=LetterState.DRAFT)
    response = Client().post(url(token), {"t": token, "item": ["0"]})
    assert response.status_code == 404
    receipt = receipt_of(letter, roster.pupils["wang"])
    assert receipt.state == ReceiptState.PENDING and receipt.later_confirmations == 0
    assert tally(letter, roster.class_a) == 0
