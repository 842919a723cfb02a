import hashlib
import io
import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image

from xiaoan.core.attachments.models import Attachment
from xiaoan.core.attachments.services import attachment_add, attachment_remove
from xiaoan.core.attachments.sniffing import UnsupportedType
from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied
from xiaoan.orgs.models import Membership

from . import samples


def add(city, name, data, actor="school_admin", **extra):
    return attachment_add(actor=getattr(city, actor), owner=city.school_a1, upload=samples.upload(name, data), **extra)


def stored_image(attachment):
    with attachment.file.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_it_stores_a_gps_tagged_jpeg_without_any_exif_or_gps(city):
    data = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(samples.GPS_IFD)  # the sample really carries GPS

    attachment = add(city, "现场照片.jpg", data)

    image = stored_image(attachment)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(samples.GPS_IFD)
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert attachment.content_type_sniffed == "image/jpeg"


def test_it_applies_the_exif_orientation_before_dropping_it(city):
    attachment = add(city, "rotated.jpg", samples.jpeg_with_gps(size=(64, 48), orientation=6))

    assert stored_image(attachment).size == (48, 64)


def test_it_makes_a_thumbnail_of_at_most_320_pixels(city):
    attachment = add(city, "big.png", samples.png((1000, 500)))

    with attachment.thumbnail.open("rb") as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
    assert thumb.size == (320, 160)


def test_it_strips_colour_profiles_and_text_chunks_from_png(city):
    from PIL import ImageCms, PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret location")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = samples.png(mode="RGB", pnginfo=text, icc_profile=icc)
    assert "icc_profile" in Image.open(io.BytesIO(data)).info

    image = stored_image(add(city, "a.png", data))

    assert "icc_profile" not in image.info
    assert "Comment" not in image.info


def test_it_re_encodes_a_gif_as_png(city):
    attachment = add(city, "动画.gif", samples.gif())

    assert attachment.content_type_sniffed == "image/png"
    assert attachment.file.name.endswith(".png")
    assert attachment.download_name == "动画.png"
    assert stored_image(attachment).format == "PNG"


def test_it_refuses_an_html_file_named_jpg(city):
    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"

    with pytest.raises(UnsupportedType) as excinfo:
        add(city, "photo.jpg", html)

    assert "不支持的文件类型" in str(excinfo.value.message)
    assert "Unsupported file type" in str(excinfo.value.message)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"MZ\x90\x00\x03\x00\x00\x00",
        samples.office(samples.XLSM_MAIN),
        b"PK\x03\x04not really a zip",
    ],
    ids=["svg", "exe", "xlsm", "broken-zip"],
)
def test_it_refuses_types_outside_the_allowed_list(city, data):
    with pytest.raises(UnsupportedType):
        add(city, "file.pdf", data)


def test_it_refuses_a_file_over_the_limit_with_a_clear_message(city, settings):
    settings.XIAOAN_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    with pytest.raises(InvalidInput) as excinfo:
        add(city, "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))

    message = str(excinfo.value.message)
    assert "文件超过大小上限" in message and "limit" in message
    assert "10.0" in message
    assert not Attachment.objects.exists()


def test_it_reads_no_more_than_the_limit_plus_one_byte_of_an_upload_of_unknown_size(city, settings):
    settings.XIAOAN_ATTACHMENT_MAX_BYTES = 1000

    class Endless:
        """A stream without a declared size that never ends."""

        consumed = 0

        def read(self, size):
            self.consumed += size
            return b"%" * size

    stream = Endless()
    with pytest.raises(InvalidInput):
        attachment_add(actor=city.school_admin, owner=city.school_a1, upload=stream)

    assert stream.consumed <= 1001


def test_it_refuses_a_20000_by_20000_image_from_its_header_quickly(city):
    bomb = samples.png_header_only(20_000, 20_000)
    assert len(bomb) < 200

    started = time.monotonic()
    with pytest.raises(InvalidInput) as excinfo:
        add(city, "bomb.png", bomb)

    assert time.monotonic() - started < 2
    assert "像素" in str(excinfo.value.message)


def test_it_refuses_an_image_over_the_configured_pixel_limit_that_pillow_itself_would_open(city, settings):
    settings.XIAOAN_IMAGE_MAX_PIXELS = 1_000_000

    with pytest.raises(InvalidInput) as excinfo:
        add(city, "wide.png", samples.png_header_only(2000, 1000))

    assert "像素" in str(excinfo.value.message)


def test_it_accepts_a_pdf_as_it_is(city):
    data = samples.pdf()

    attachment = add(city, "整改报告.pdf", data, description="整改报告")

    assert attachment.content_type_sniffed == "application/pdf"
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert not attachment.thumbnail
    assert attachment.owner == city.school_a1
    assert attachment.uploaded_by == city.school_admin


@pytest.mark.parametrize(("main", "ext"), [(samples.XLSX_MAIN, "xlsx"), (samples.DOCX_MAIN, "docx")])
def test_it_accepts_office_documents_by_their_declared_main_part(city, main, ext):
    attachment = add(city, "台账", samples.office(main))

    assert attachment.file.name.endswith("." + ext)
    assert attachment.original_name == "台账." + ext


def test_it_stores_files_under_a_dated_random_name_never_the_users(city):
    attachment = add(city, "../../etc/张三 家.pdf", samples.pdf())

    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert attachment.original_name == "张三 家.pdf"
    assert (Path(django_settings.MEDIA_ROOT) / attachment.file.name).exists()


def test_it_hashes_the_stored_bytes(city):
    attachment = add(city, "a.jpg", samples.jpeg_with_gps())

    with attachment.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == attachment.sha256


def test_it_refuses_a_role_that_may_only_view_the_owner(city):
    with pytest.raises(PermissionDenied):
        add(city, "a.pdf", samples.pdf(), actor="viewer")


def test_it_refuses_an_owner_outside_the_actors_county(city):
    with pytest.raises(OutOfScope):
        add(city, "a.pdf", samples.pdf(), actor="county_b_admin")


def test_it_refuses_owners_of_a_type_that_did_not_opt_in(city):
    membership = Membership.objects.system("test").filter(user=city.teacher).get()

    with pytest.raises(InvalidInput):
        attachment_add(actor=city.school_admin, owner=membership, upload=samples.upload("a.pdf", samples.pdf()))


def test_it_removes_the_row_and_after_commit_the_files(city, django_capture_on_commit_callbacks):
    attachment = add(city, "a.png", samples.png())
    paths = [Path(django_settings.MEDIA_ROOT) / name for name in (attachment.file.name, attachment.thumbnail.name)]
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(actor=city.county_a_admin, attachment=attachment)

    assert not Attachment.objects.exists()
    assert not any(path.exists() for path in paths)


def test_it_lets_only_those_who_may_change_the_owner_remove_a_file(city):
    attachment = add(city, "a.pdf", samples.pdf())

    with pytest.raises(PermissionDenied):
        attachment_remove(actor=city.principal, attachment=attachment)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
