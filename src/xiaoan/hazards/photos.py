"""Photos as evidence: images only, cleaned by the core attachments pipeline, linked to the step they prove.

The core service ``attachment_add`` checks the uploader's right to change the owner; hazard photos are added by
the workflow services (and by anonymous reporters, who have no account), so they are stored here after the
same checks: size limit, type sniffed from the bytes, re-encoded without EXIF/GPS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.attachments.images import clean_image
from xiaoan.core.attachments.models import Attachment
from xiaoan.core.attachments.services import clean_filename, read_limited
from xiaoan.core.attachments.sniffing import sniff
from xiaoan.core.errors import InvalidInput


class NotAnImage(InvalidInput):
    default_message = _("只能上传照片（JPEG、PNG、WebP、GIF）。 Only photos (JPEG, PNG, WebP, GIF) can be uploaded.")


def store_photos(
    *, owner: models.Model, uploads: Iterable[IO[bytes]], uploaded_by: Any, description: str = "", max_bytes: int = 0
) -> list[Attachment]:
    return [
        store_photo(owner=owner, upload=upload, uploaded_by=uploaded_by, description=description, max_bytes=max_bytes)
        for upload in uploads
    ]


def store_photo(
    *, owner: models.Model, upload: IO[bytes], uploaded_by: Any, description: str = "", max_bytes: int = 0
) -> Attachment:
    """Check and store one photo on ``owner`` (the caller has checked that the actor may add it)."""
    data = read_limited(upload, max_bytes or settings.XIAOAN_ATTACHMENT_MAX_BYTES)
    try:
        kind = sniff(data)
    except InvalidInput:
        raise NotAnImage() from None
    if not kind.is_image:
        raise NotAnImage()
    cleaned = clean_image(data, kind)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner, for_concrete_model=True),
        object_id=owner.pk,
        content_type_sniffed=cleaned.kind.mime,
        size=len(cleaned.data),
        original_name=clean_filename(getattr(upload, "name", "") or "", cleaned.kind.ext),
        sha256=hashlib.sha256(cleaned.data).hexdigest(),
        description=description[:200],
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
    )
    attachment.file.save(f"upload.{cleaned.kind.ext}", ContentFile(cleaned.data), save=False)
    attachment.thumbnail.save(f"thumb.{cleaned.kind.ext}", ContentFile(cleaned.thumbnail), save=False)
    attachment.save()
    return attachment
