import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from xiaoan.core.attachments.models import Attachment
from xiaoan.core.attachments.services import attachment_add
from xiaoan.orgs.testing import ScopedPageContract

from . import samples


def attach(city, name="现场 照片.jpg", data=None):
    data = data if data is not None else samples.jpeg_with_gps()
    return attachment_add(actor=city.school_admin, owner=city.school_a1, upload=samples.upload(name, data))


def post_upload(client, owner, name, data, **extra):
    headers = extra.pop("headers", {})
    payload = {
        "owner_type": "orgs.unit",
        "owner_id": owner.pk,
        "next": "/?from=upload",
        "file": samples.upload(name, data),
    }
    return client.post(reverse("attachments:upload"), {**payload, **extra}, headers=headers)


class TestAttachmentDownload(ScopedPageContract):
    url_name = "attachments:download"
    write_url_name = "attachments:remove"

    def make_object(self, city):
        return attach(city)


def test_it_serves_a_download_with_nosniff_private_caching_and_a_utf8_file_name(city):
    attachment = attach(city)

    response = city.client_for("county_a_officer").get(reverse("attachments:download", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.jpg" in response["Content-Disposition"]
    with attachment.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()


def test_it_answers_a_missing_attachment_with_the_same_404_as_one_out_of_scope(city):
    client = city.client_for("county_b_officer")
    attachment = attach(city)

    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[attachment.pk + 100])).status_code == 404


def test_it_shows_images_and_pdfs_inline_only_when_asked_and_never_other_types(city):
    client = city.client_for("teacher")
    image = attach(city)
    sheet = attach(city, "台账.xlsx", samples.office(samples.XLSX_MAIN))

    image_response = client.get(reverse("attachments:download", args=[image.pk]) + "?inline=1")
    sheet_response = client.get(reverse("attachments:download", args=[sheet.pk]) + "?inline=1")

    assert image_response["Content-Disposition"].startswith("inline;")
    assert sheet_response["Content-Disposition"].startswith("attachment;")


def test_it_serves_the_thumbnail_of_an_image_and_404_for_a_document(city):
    client = city.client_for("principal")
    image, document = attach(city), attach(city, "a.pdf", samples.pdf())

    response = client.get(reverse("attachments:thumbnail", args=[image.pk]))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("attachments:thumbnail", args=[document.pk])).status_code == 404


def test_it_hides_the_thumbnail_from_another_county(city):
    image = attach(city)

    response = city.client_for("county_b_officer").get(reverse("attachments:thumbnail", args=[image.pk]))

    assert response.status_code == 404


def test_it_uploads_through_the_form_and_returns_to_the_page(city):
    response = post_upload(city.client_for("school_admin"), city.school_a1, "检查.pdf", samples.pdf())

    assert response.status_code == 302
    assert response["Location"] == "/?from=upload"
    assert Attachment.objects.get().original_name == "检查.pdf"


def test_it_refuses_an_html_file_named_jpg_with_a_message_in_the_htmx_panel(city):
    response = post_upload(
        city.client_for("school_admin"),
        city.school_a1,
        "photo.jpg",
        b"<html><body>hi</body></html>",
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    assert not Attachment.objects.exists()


def test_it_refuses_a_file_over_the_limit_with_a_message_after_the_redirect(city, settings):
    settings.XIAOAN_ATTACHMENT_MAX_BYTES = 1024
    client = city.client_for("school_admin")

    response = post_upload(client, city.school_a1, "big.pdf", b"%PDF-" + b"0" * 2048)

    assert response.status_code == 302
    assert "文件超过大小上限" in client.get(response["Location"], follow=True).content.decode()
    assert not Attachment.objects.exists()


def test_it_returns_the_refreshed_panel_to_htmx_after_an_upload(city):
    response = post_upload(
        city.client_for("school_admin"), city.school_a1, "检查.pdf", samples.pdf(), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="attachment"' in body and "检查.pdf" in body


def test_it_refuses_uploads_by_a_read_only_role_with_403(city):
    response = post_upload(city.client_for("viewer"), city.school_a1, "a.pdf", samples.pdf())

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_it_hides_owners_in_another_county_from_uploads_with_404(city):
    response = post_upload(city.client_for("county_b_admin"), city.school_a1, "a.pdf", samples.pdf())

    assert response.status_code == 404


def test_it_accepts_uploads_only_for_owner_types_that_opted_in(city):
    response = post_upload(
        city.client_for("school_admin"), city.school_a1, "a.pdf", samples.pdf(), owner_type="orgs.membership"
    )

    assert response.status_code == 404


def test_it_never_redirects_to_another_site_after_an_upload(city):
    response = post_upload(
        city.client_for("school_admin"), city.school_a1, "a.pdf", samples.pdf(), next="https://evil.example/"
    )

    assert response["Location"] == reverse("home")


def test_it_removes_a_file_for_someone_who_may_change_the_owner(city):
    attachment = attach(city)

    response = city.client_for("county_a_admin").post(reverse("attachments:remove", args=[attachment.pk]))

    assert response.status_code == 302
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("can_change", "has_form"), [(True, True), (False, False)])
def test_the_panel_tag_lists_files_with_thumbnails_and_the_form_only_when_allowed(city, can_change, has_form):
    image, document = attach(city), attach(city, "报告.pdf", samples.pdf())
    request = RequestFactory().get("/orgs/units/1/")
    template = Template('{% include "attachments/_panel.html" with owner=unit can_change=can_change %}')

    html = template.render(Context({"unit": city.school_a1, "can_change": can_change, "request": request}))

    assert reverse("attachments:thumbnail", args=[image.pk]) in html
    assert reverse("attachments:download", args=[document.pk]) in html
    assert reverse("attachments:thumbnail", args=[document.pk]) not in html
    assert ('name="owner_type" value="orgs.unit"' in html) is has_form
    assert ('value="/orgs/units/1/"' in html) is has_form
