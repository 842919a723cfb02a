import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from xiaoan.core import pdf

# A PDF is judged by a real reader: poppler-utils is installed by `make install`; missing it fails loudly.
assert shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils is missing: run `make install`"


@pytest.fixture
def document(tmp_path):
    styles = pdf.pdf_styles()
    story = [
        Paragraph("校园消防安全检查记录", styles["title"]),
        Paragraph("宛城区第一小学于三月五日完成消防通道、灭火器和应急照明的全面检查，未发现重大隐患。", styles["body"]),
        Spacer(1, 4 * mm),
        pdf.qr_image("https://xiaoan.example/r/ABC123", 30),
    ]
    data = pdf.build_pdf(story, title="检查记录", author="安全专干", footer="南阳市教育局")
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return path


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_it_writes_chinese_text_that_can_be_extracted(document):
    text = run("pdftotext", "-layout", str(document), "-")

    assert "校园消防安全检查记录" in text
    assert "未发现重大隐患" in text
    assert re.search(r"第\s*1\s*页", text)
    assert "南阳市教育局" in text
    assert "生成时间" in text


def test_it_embeds_a_subset_of_the_truetype_font(document):
    lines = run("pdffonts", str(document)).splitlines()[2:]

    assert lines, "the document uses no fonts"
    for line in lines:
        name, *_, emb, sub, _uni, _obj, _gen = line.split()
        assert (emb, sub) == ("yes", "yes"), line
        assert name[6] == "+"  # subset prefix, e.g. ABCDEF+XiaoanCJK
    assert any("TrueType" in line for line in lines)


def test_a_one_page_document_stays_small(document):
    assert run("pdfinfo", str(document)).count("Pages:           1") == 1
    assert document.stat().st_size < 200 * 1024


def test_the_qr_code_is_an_image_of_the_requested_size():
    image = pdf.qr_image("https://xiaoan.example/r/ABC123", 25)

    assert image.drawWidth == pytest.approx(25 * mm)
    assert image.drawHeight == pytest.approx(25 * mm)


def test_it_names_the_debian_package_when_the_font_is_missing(settings, monkeypatch):
    monkeypatch.setattr(pdf, "FONT_NAME", "XiaoanCJKMissing")
    settings.XIAOAN_PDF_FONT = "/nonexistent/font.ttc"

    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei"):
        pdf.register_font()


def test_the_response_offers_the_pdf_as_a_download_with_a_utf8_name():
    response = pdf.pdf_response(b"%PDF-1.4", "检查记录.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E6%A3%80%E6%9F%A5%E8%AE%B0%E5%BD%95.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
