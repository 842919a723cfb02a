"""Property tests: random files never break an import, random fields never break the public forms.

Imports: whatever bytes arrive (random, truncated workbooks, csv in any encoding, random cells under the right
headers), reading and validating either succeed or give a clear message — no exception escapes, and the job
never ends with the "unexpected error" fallback. Public forms (the QR hazard report and the parents' receipt):
random fields and bytes are answered with a page (200/400/404/410/429), never a 500.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaoan.core.tabular.reader import TabularReadError
from xiaoan.core.tabular.testing import xlsx_bytes

from . import targets

SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
SCHOOL_HEADERS = ["学校名称", "学校标识码", "上级单位", "学段", "在校生数", "教职工数", "是否寄宿", "地址"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1", "big5"]
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)  # what xlsx can hold
cells = st.one_of(
    printable,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["宛城区教育体育局", "2141130299", "小学", "是", "否", "=1+1", "@SUM(A1)", "１２３", "²"]),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=10), min_size=0, max_size=8)


def validate(spec_name: str, content: bytes, city) -> list[str]:
    """Read and check ``content`` as the given import would: the messages, or [] when every row is fine."""
    from xiaoan.core.tabular.spec import get_spec
    from xiaoan.core.tabular.validation import validate_file

    spec = get_spec(spec_name)(actor=city.county_a_admin, unit=city.county_a)
    try:
        outcome = validate_file(spec, io.BytesIO(content))
    except TabularReadError as exc:
        return [str(exc.message)]
    return [str(error.reason) for error in outcome.errors]


def clear(messages: list[str]) -> bool:
    return all(message.strip() for message in messages)


@SETTINGS
@given(content=st.binary(max_size=2048))
def test_it_reads_random_bytes_without_an_exception(mcity, content):
    assert clear(validate("schools", content, mcity))


@SETTINGS
@given(data=rows, header=st.booleans())
def test_it_checks_random_cells_in_a_workbook_with_clear_messages(mcity, data, header):
    table = [SCHOOL_HEADERS, *data] if header else data
    assert clear(validate("schools", xlsx_bytes(table), mcity))


@SETTINGS
@given(data=rows, encoding=st.sampled_from(ENCODINGS), cut=st.integers(min_value=0, max_value=400))
def test_it_reads_csv_in_any_encoding_even_truncated(mcity, data, encoding, cut):
    lines = [",".join(SCHOOL_HEADERS)] + [",".join(str(cell) for cell in row) for row in data]
    content = "\r\n".join(lines).encode(encoding, errors="replace")
    assert clear(validate("schools", content[: len(content) - cut] if cut < len(content) else content, mcity))


@SETTINGS
@given(data=rows, cut=st.integers(min_value=1, max_value=2000))
def test_it_refuses_a_truncated_workbook_with_a_message(mcity, data, cut):
    content = xlsx_bytes([SCHOOL_HEADERS, *data])
    assert clear(validate("schools", content[: max(len(content) - cut, 4)], mcity))


def test_a_broken_upload_ends_the_job_with_a_clear_message_and_nothing_logged_as_a_crash(mcity, caplog):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoan.core.tabular.models import ImportJob
    from xiaoan.core.tabular.services import import_run, import_submit

    content = xlsx_bytes([SCHOOL_HEADERS, ["宛城区第十小学", "2141130210"]])[:300]
    upload = SimpleUploadedFile("学校.xlsx", content)
    job = import_submit(actor=mcity.county_a_admin, unit=mcity.county_a, spec_name="schools", upload=upload)
    with caplog.at_level(logging.ERROR):
        import_run(job_id=job.pk)
    job = ImportJob.objects.system("test").get(pk=job.pk)
    assert job.state == ImportJob.State.FAILED
    assert job.message and "意外错误" not in job.message
    assert not [record for record in caplog.records if record.exc_info]


# --- public forms ---------------------------------------------------------------------------------------
form_values = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["0", "1", "99", "-1", "²", "٣", "１", "13800138000", "<script>", "' OR 1=1 --"]),
)
PUBLIC_OK = {200, 400, 404, 410, 429}


@pytest.fixture
def report_point(mcity):
    return targets.report_token(mcity)["token"]


@SETTINGS
@given(
    place=form_values,
    description=form_values,
    phone=form_values,
    website=st.sampled_from(["", "x"]),
    nonce_ok=st.booleans(),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), form_values, max_size=3),
)
def test_the_qr_report_form_answers_random_fields_without_a_500(
    mcity, report_point, place, description, phone, website, nonce_ok, extra
):
    from xiaoan.hazards.views.public import new_nonce

    nonce = new_nonce(report_point) if nonce_ok else description[:50]
    data = {**extra, "place": place, "description": description, "phone": phone, "nonce": nonce, "website": website}
    response = Client().post(f"/hazards/r/{report_point}/", data)
    assert response.status_code in PUBLIC_OK
    assert response.content.strip()


@SETTINGS
@given(code=form_values)
def test_the_tracking_page_answers_any_code_without_a_500(mcity, code):
    response = Client().post("/hazards/track/", {"code": code})
    assert response.status_code in PUBLIC_OK


@pytest.fixture
def receipt_token(mcity):
    return targets.receipt_token(mcity)["token"]


@SETTINGS
@given(
    items=st.lists(form_values, max_size=5),
    same_token=st.booleans(),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), form_values, max_size=3),
)
def test_the_receipt_form_answers_random_fields_without_a_500(mcity, receipt_token, items, same_token, extra):
    data = {**extra, "item": items, "t": receipt_token if same_token else "x"}
    response = Client().post(f"/families/r/{receipt_token}/", data)
    assert response.status_code in PUBLIC_OK
    assert response.content.strip()


@SETTINGS
@given(
    token=st.text(
        alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80
    )
)
def test_a_random_token_gets_a_friendly_not_found(mcity, token):
    for path in (f"/families/r/{token}/", f"/hazards/r/{token}/"):
        response = Client().get(path)
        assert response.status_code in {404, 410}
