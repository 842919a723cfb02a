import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiaoan.families.models import Channel, Letter, LetterState, Receipt, ReceiptState, ReceiptTally
from xiaoan.families.testing import draft_letter, make_pupil, published_letter, receipt_of
from xiaoan.orgs.testing import ScopedPageContract

pytestmark = pytest.mark.django_db
REASON = "test"


def county_a_letter(city, **kwargs):
    from xiaoan.families.testing import build_roster

    build_roster(city)
    return published_letter(city, author="county_a_officer", **kwargs)


class TestLetterPage(ScopedPageContract):
    url_name = "families:letter_detail"
    write_url_name = "families:letter_publish"

    def make_object(self, city):
        return draft_letter(city, author="county_a_officer")


class TestClassReceiptsPage(ScopedPageContract):
    """Names of a class: its teacher and the school's safety staff; 403 for a read-only role, 404 outside."""

    url_name = "families:class_receipts"
    insider = "teacher"
    write_data = {"channel": "paper", "receipt": ["1"]}

    def make_object(self, city):
        letter = county_a_letter(city)
        # the class of the teacher persona (the letter reaches several classes; their order is not fixed)
        tallies = ReceiptTally.objects.system(REASON).filter(letter=letter, school_class__class_teacher=city.teacher)
        self.school_class = tallies.get().school_class
        return letter

    def url(self, letter):
        return reverse(self.url_name, args=[letter.pk, self.school_class.pk])

    write_url = url
    write_url_name = "families:class_receipts"


class TestClassPdf(TestClassReceiptsPage):
    url_name = "families:class_pdf"
    insider = "principal"
    write_url_name = None


class TestLetterEditPage(ScopedPageContract):
    url_name = "families:letter_edit"
    write_url_name = "families:letter_edit"
    write_data = {"title": "改", "body": "改", "deadline": "2099-01-01"}

    def make_object(self, city):
        return draft_letter(city, author="county_a_officer")


class TestLetterRemind(TestLetterPage):
    write_url_name = "families:letter_remind"


class TestLetterArchive(TestLetterPage):
    write_url_name = "families:letter_archive"


class TestSchoolLedger(ScopedPageContract):
    url_name = "families:school_ledger"
    insider = "principal"

    def make_object(self, city):
        return county_a_letter(city)


class TestSchoolArchive(TestSchoolLedger):
    url_name = "families:school_archive"


@pytest.fixture
def letter(city, roster):
    return published_letter(city)


def test_the_list_shows_letters_with_the_readers_rate(city, roster, letter):
    receipt = receipt_of(letter, roster.pupils["liu"])
    Receipt.objects.system(REASON).filter(pk=receipt.pk).update(state=ReceiptState.CONFIRMED)
    ReceiptTally.objects.system(REASON).filter(letter=letter, school_class=roster.class_b).update(confirmed=1)
    county_b = city.client_for("county_b_officer").get(reverse("families:letter_list")).content.decode()
    county_a = city.client_for("county_a_officer").get(reverse("families:letter_list")).content.decode()
    assert "50.0%" in county_b and "(1/2)" in county_b
    assert "0.0%" in county_a and "(0/5)" in county_a


def test_the_list_takes_the_same_number_of_queries_for_few_and_many_letters(
    city, roster, django_assert_max_num_queries
):
    client = city.client_for("county_a_officer")
    published_letter(city)
    client.get(reverse("families:letter_list"))  # warm the per-process caches
    with django_assert_max_num_queries(14):
        assert client.get(reverse("families:letter_list")).status_code == 200
    for _ in range(12):
        published_letter(city)
        draft_letter(city, author="county_a_officer")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("families:letter_list")).status_code == 200


def test_a_school_does_not_see_another_schools_draft_or_a_letter_that_does_not_reach_it(city, roster):
    other = draft_letter(city, author="county_b_officer")
    response = city.client_for("principal").get(reverse("families:letter_detail", args=[other.pk]))
    assert response.status_code == 404


def test_a_school_sees_a_city_letter_by_class_and_the_county_by_school_without_names(city, roster, letter):
    school = city.client_for("principal").get(letter.get_absolute_url()).content.decode()
    assert "三年级（1）班" in school and "三年级（2）班" in school and "七年级（1）班" not in school
    county = city.client_for("county_a_officer").get(letter.get_absolute_url()).content.decode()
    assert "宛城区第一小学" in county and "卧龙区第二中学" not in county
    city_page = city.client_for("city_officer").get(letter.get_absolute_url()).content.decode()
    assert "宛城区教育体育局" in city_page and "卧龙区教育体育局" in city_page
    for page in (county, city_page):
        assert not any(name in page for name in ("张小明", "王小红", "刘晓东", "张*明"))


def test_the_class_list_is_only_for_its_teacher_and_the_school_safety_staff(city, roster, letter):
    url = reverse("families:class_receipts", args=[letter.pk, roster.class_a.pk])
    assert city.client_for("teacher").get(url).status_code == 200
    assert city.client_for("principal").get(url).status_code == 200
    assert city.client_for("county_a_officer").get(url).status_code == 403
    assert city.client_for("guard").get(url).status_code == 403
    other = reverse("families:class_receipts", args=[letter.pk, roster.class_a2.pk])
    assert city.client_for("teacher").get(other).status_code == 403  # not the teacher of that class


def test_a_teacher_records_two_paper_receipts_and_the_rate_moves(city, roster, letter):
    url = reverse("families:class_receipts", args=[letter.pk, roster.class_a.pk])
    ids = [receipt_of(letter, roster.pupils[key]).pk for key in ("zhang", "zhao")]
    response = city.client_for("teacher").post(url, {"channel": Channel.PAPER, "receipt": ids, "note": "家长会收回"})
    assert response.status_code == 302
    recorded = Receipt.objects.system(REASON).filter(pk__in=ids)
    assert set(recorded.values_list("state", "channel", "recorded_by_id")) == {
        (ReceiptState.CONFIRMED, Channel.PAPER, city.teacher.pk)
    }
    assert ReceiptTally.objects.system(REASON).get(letter=letter, school_class=roster.class_a).confirmed == 2
    page = city.client_for("teacher").get(url).content.decode()
    assert "66.7%" in page


def test_recording_never_overwrites_an_earlier_confirmation(city, roster, letter):
    receipt = receipt_of(letter, roster.pupils["wang"])
    Receipt.objects.system(REASON).filter(pk=receipt.pk).update(state=ReceiptState.CONFIRMED, channel=Channel.LINK)
    url = reverse("families:class_receipts", args=[letter.pk, roster.class_a.pk])
    response = city.client_for("teacher").post(url, {"channel": Channel.PHONE_CALL, "receipt": [receipt.pk]})
    assert response.status_code == 200  # the pupil is no longer offered: a form error, nothing recorded
    receipt.refresh_from_db()
    assert receipt.channel == Channel.LINK


def test_the_class_list_takes_the_same_number_of_queries_for_few_and_many_pupils(
    city, roster, django_assert_max_num_queries
):
    client = city.client_for("teacher")
    first = published_letter(city)
    client.get(reverse("families:class_receipts", args=[first.pk, roster.class_a.pk]))
    with django_assert_max_num_queries(14):
        client.get(reverse("families:class_receipts", args=[first.pk, roster.class_a.pk]))
    for n in range(30):
        make_pupil(roster.class_a, f"学生{n}", [(f"家长{n}", f"1350000{n:04d}")])
    second = published_letter(city)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("families:class_receipts", args=[second.pk, roster.class_a.pk]))
    assert response.content.decode().count('data-testid="receipt-row"') == 33


def test_a_manager_writes_a_letter_from_the_drowning_template(city):
    client = city.client_for("county_a_officer")
    page = client.get(reverse("families:letter_create") + "?template=drowning").content.decode()
    assert "防溺水“六不”" in page
    deadline = (timezone.localdate() + timezone.timedelta(days=7)).isoformat()
    data = {"title": "暑期防溺水", "body": "请看护好孩子", "items": "已阅读\n会看护", "deadline": deadline,
            "stages": ["primary"]}  # fmt: skip
    response = client.post(reverse("families:letter_create") + "?template=drowning", data)
    letter = Letter.objects.system(REASON).get(title="暑期防溺水")
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    assert letter.unit == city.county_a and letter.items == ["已阅读", "会看护"]
    assert letter.audience == {"stages": ["primary"]} and letter.template_key == "drowning"


def test_a_teacher_cannot_write_letters(city):
    assert city.client_for("teacher").get(reverse("families:letter_create")).status_code == 403


def test_publishing_from_the_page_fans_out_and_reports_progress(city, roster, django_capture_on_commit_callbacks):
    letter = draft_letter(city, author="county_a_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = city.client_for("county_a_officer").post(reverse("families:letter_publish", args=[letter.pk]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.PUBLISHED and letter.receipts_count == 5
    page = city.client_for("county_a_officer").get(letter.get_absolute_url()).content.decode()
    assert 'data-testid="rate-total"' in page and 'data-testid="sms-summary"' in page


def test_the_publishing_page_polls_for_progress(city, roster):
    from xiaoan.families.workflow import LETTER_WORKFLOW

    letter = draft_letter(city, author="county_a_officer")
    LETTER_WORKFLOW.fire(letter, "publish", actor=city.county_a_officer)
    response = city.client_for("county_a_officer").get(letter.get_absolute_url(), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "第 0 / 3 步" in html and "<html" not in html


def test_archiving_waits_for_the_deadline(city, roster, letter):
    client = city.client_for("city_officer")
    response = client.post(reverse("families:letter_archive", args=[letter.pk]))
    assert response.status_code == 409
    Letter.objects.system(REASON).filter(pk=letter.pk).update(
        deadline=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert client.post(reverse("families:letter_archive", args=[letter.pk])).status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ARCHIVED


def pdf_text(content: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def test_the_class_pdf_carries_full_names_stubs_and_a_qr_code_per_pupil(city, roster, letter):
    url = reverse("families:class_pdf", args=[letter.pk, roster.class_a.pk])
    response = city.client_for("teacher").get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert all(name in text for name in ("张小明", "王小红", "赵小刚")) and "刘晓东" not in text
    assert "家长签字" in text and "扫码" in text
    assert response.content.count(b"/Subtype /Image") == 3  # one QR code per pupil


def test_the_school_ledger_has_full_names_masked_mobiles_and_a_watermark(city, roster, letter):
    from openpyxl import load_workbook

    token_client = Client()
    from xiaoan.families.testing import token_of

    token = token_of(letter, roster.pupils["wang"])
    token_client.post(reverse("families:receipt", args=[token]), {"t": token})
    response = city.client_for("principal").get(reverse("families:school_ledger", args=[letter.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert "导出人" in rows[0][0] and "不得公开" in rows[0][0]
    names = [row[1] for row in rows[2:]]
    assert sorted(names) == sorted(["张小明", "王小红", "赵小刚", "张小亮", "孙悦"])
    wang = next(row for row in rows[2:] if row[1] == "王小红")
    assert wang[3] == "已回执" and "138****8003" in wang[6] and "13800138003" not in str(rows)


def test_the_ledger_and_archive_are_for_school_managers_only(city, roster, letter):
    for persona in ("teacher", "county_a_officer"):
        assert city.client_for(persona).get(reverse("families:school_ledger", args=[letter.pk])).status_code == 403


def test_the_archive_pdf_holds_the_letter_and_the_receipt_table(city, roster, letter):
    response = city.client_for("principal").get(reverse("families:school_archive", args=[letter.pk]))
    text = pdf_text(response.content)
    assert "预防溺水致家长的一封信" in text and "张小明" in text and "应回执 5 人" in text
    assert "导出人" in text


def test_the_home_widget_shows_open_letters_with_the_rate(city, roster, letter):
    page = city.client_for("county_a_officer").get(reverse("home")).content.decode()
    assert 'data-testid="widget-open-letters"' in page and "0/5" in page
