import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiaoan.core.errors import Conflict, InvalidInput, PermissionDenied
from xiaoan.families import services, tokens
from xiaoan.families.models import LetterState, Receipt, ReceiptLink, ReceiptTally, SmsState
from xiaoan.families.publishing import audience_pupils, publish
from xiaoan.families.testing import draft_letter, make_pupil, published_letter, receipt_of
from xiaoan.families.workflow import LETTER_WORKFLOW

pytestmark = pytest.mark.django_db
REASON = "test"


def test_it_creates_one_receipt_per_pupil_and_one_link_per_pupil_guardian_pair(city, roster):
    letter = published_letter(city)
    receipts = Receipt.objects.system(REASON).filter(letter=letter)
    assert receipts.count() == len(roster.pupils) == letter.receipts_count
    assert sorted(receipts.values_list("pupil_id", flat=True)) == sorted(p.pk for p in roster.pupils.values())
    links = ReceiptLink.objects.system(REASON).filter(letter=letter)
    assert links.count() == 8 == letter.links_count  # 张小明 has two guardians; the brothers share one guardian row
    assert links.values("receipt_id", "guardian_id").distinct().count() == 8


def test_it_stores_only_the_hash_of_each_derived_token(city, roster):
    letter = published_letter(city)
    receipt = receipt_of(letter, roster.pupils["wang"])
    link = ReceiptLink.objects.system(REASON).get(receipt=receipt)
    assert link.token_hash == tokens.link_hash(receipt.pk, link.guardian_id)
    assert tokens.make_token(receipt.pk, link.guardian_id) not in link.token_hash


def test_it_queues_every_link_and_the_sms_job_texts_only_guardians_with_a_mobile_number(city, roster):
    from xiaoan.core.notifications.sms import MemorySmsBackend
    from xiaoan.families.delivery import deliver

    MemorySmsBackend.outbox.clear()
    letter = published_letter(city)
    assert ReceiptLink.objects.system(REASON).filter(letter=letter, sms_state=SmsState.QUEUED).count() == 8
    deliver(letter.pk, sleep=lambda s: None)
    zhao = receipt_of(letter, roster.pupils["zhao"])
    assert ReceiptLink.objects.system(REASON).get(receipt=zhao).sms_state == SmsState.NO_MOBILE
    assert ReceiptLink.objects.system(REASON).filter(letter=letter, sms_state=SmsState.SENT).count() == 7
    assert len(MemorySmsBackend.outbox) == 7
    MemorySmsBackend.outbox.clear()


def test_it_keeps_a_counter_per_class(city, roster):
    letter = published_letter(city)
    owed = dict(ReceiptTally.objects.system(REASON).filter(letter=letter).values_list("school_class_id", "owed"))
    assert owed == {roster.class_a.pk: 3, roster.class_a2.pk: 2, roster.class_b.pk: 2}


def test_a_county_letter_reaches_only_its_own_schools(city, roster):
    letter = published_letter(city, author="county_a_officer")
    units = set(Receipt.objects.system(REASON).filter(letter=letter).values_list("unit_id", flat=True))
    assert units == {city.school_a1.pk}


def test_the_audience_narrows_by_stage_school_grade_and_class(city, roster):
    assert {p.pk for p in audience_pupils(draft_letter(city, audience={"stages": ["junior"]}))} == {
        roster.pupils["liu"].pk,
        roster.pupils["chen"].pk,
    }
    assert audience_pupils(draft_letter(city, audience={"schools": [city.school_a1.pk]})).count() == 5
    assert audience_pupils(draft_letter(city, audience={"grades": [7]})).count() == 2
    assert audience_pupils(draft_letter(city, audience={"classes": [roster.class_a2.pk]})).count() == 2


def test_the_audience_is_frozen_at_publication(city, roster):
    letter = published_letter(city)
    make_pupil(roster.class_a, "新同学", [("新家长", "13700137000")])
    assert Receipt.objects.system(REASON).filter(letter=letter).count() == len(roster.pupils)


def test_publication_takes_the_same_number_of_queries_for_few_and_many_pupils(city, roster):
    def queries_to_publish() -> int:
        letter = draft_letter(city)
        LETTER_WORKFLOW.fire(letter, "publish", actor=city.city_officer)
        with CaptureQueriesContext(connection) as captured:
            publish(letter.pk, deliver=False)
        return len(captured)

    queries_to_publish()  # warms the content-type cache of the transition log
    few = queries_to_publish()
    for n in range(40):
        make_pupil(roster.class_a2, f"学生{n}", [(f"家长{n}", f"1350000{n:04d}")])
    many = queries_to_publish()
    if connection.vendor == "postgresql":
        assert many == few
    else:  # SQLite: links are inserted with bulk_create in batches of 5,000
        assert many <= few + 1


def test_the_statements_have_the_plain_insert_select_shape(city, roster):
    """No sort of the pupils by name, no read of the guardian rows: what the benchmark's reference does not do."""
    letter = draft_letter(city)
    LETTER_WORKFLOW.fire(letter, "publish", actor=city.city_officer)
    with CaptureQueriesContext(connection) as captured:
        publish(letter.pk, deliver=False)
    receipts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "families_receipt" ')]
    links = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "families_receiptlink"')]
    assert len(receipts) == 1 and "ORDER BY" not in receipts[0].upper()
    assert links and all('"students_guardian" ' not in sql and "mobile_hash" not in sql for sql in links)
    counting = [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]
    assert counting == []  # the counts come from the inserts' row counts
    if connection.vendor == "postgresql":  # the links are planned on statistics that count this letter's receipts
        statements = [q["sql"] for q in captured]
        analyze = statements.index('ANALYZE "families_receipt" (letter_id, pupil_id)')
        assert analyze < statements.index(links[0])


def test_a_resumed_publication_keeps_the_counts_its_finished_steps_wrote(city, roster):
    from xiaoan.families import publishing
    from xiaoan.families.models import Letter

    letter = draft_letter(city)
    LETTER_WORKFLOW.fire(letter, "publish", actor=city.city_officer)
    letter = Letter.objects.system(REASON).select_related("unit").get(pk=letter.pk)
    publishing._run_step(letter, publishing.STEP_RECEIPTS, publishing._insert_receipts)
    publishing._run_step(letter, publishing.STEP_LINKS, publishing._insert_links)  # then the job died
    stored = Letter.objects.system(REASON).get(pk=letter.pk)
    assert (stored.publish_step, stored.receipts_count, stored.links_count) == (2, len(roster.pupils), 8)
    publish(letter.pk, deliver=False)
    stored.refresh_from_db()
    assert stored.state == LetterState.PUBLISHED
    assert (stored.receipts_count, stored.links_count) == (len(roster.pupils), 8)
    assert ReceiptTally.objects.system(REASON).filter(letter=stored).count() == 3


def test_a_failed_publication_goes_back_to_draft_with_nothing_left_behind(city, roster, monkeypatch):
    from xiaoan.families import publishing

    letter = draft_letter(city)
    LETTER_WORKFLOW.fire(letter, "publish", actor=city.city_officer)

    def broken(letter):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publishing, "_tallies", broken)
    publish(letter.pk, deliver=False)
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT and "disk full" in letter.publish_error
    assert not Receipt.objects.system(REASON).filter(letter=letter).exists()
    assert not ReceiptLink.objects.system(REASON).filter(letter=letter).exists()
    assert (letter.publish_step, letter.receipts_count, letter.links_count) == (0, 0, 0)


def test_publishing_through_the_service_runs_the_job_after_commit(city, roster, django_capture_on_commit_callbacks):
    from xiaoan.core.notifications.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    letter = draft_letter(city)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_publish(actor=city.city_officer, letter=letter)
    letter.refresh_from_db()
    assert letter.state == LetterState.PUBLISHED and letter.published_at is not None
    assert len(MemorySmsBackend.outbox) == 7


def test_a_teacher_may_not_publish(city, roster):
    letter = draft_letter(city, author="principal")
    with pytest.raises(PermissionDenied):
        services.letter_publish(actor=city.teacher, letter=letter)


def test_it_refuses_a_deadline_in_the_past_and_too_many_items(city):
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(InvalidInput):
        draft_letter(city, deadline=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        draft_letter(city, items=[f"事项{n}" for n in range(9)])


def test_a_published_letter_cannot_be_rewritten(city, roster):
    letter = published_letter(city)
    with pytest.raises(Conflict):
        services.letter_update(actor=city.city_officer, letter=letter, title="新", body="新", deadline=letter.deadline)
