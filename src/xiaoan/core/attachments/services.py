"""Adding and removing attachments. The owner decides: writing here needs the owner's write permission."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, permission_name

from .images import clean_image
from .models import Attachment
from .registry import owner_spec_for
from .sniffing import sniff

_CHUNK = 64 * 1024


class FileTooLarge(InvalidInput):
    pass


@transaction.atomic
def attachment_add(*, actor: Any, owner: models.Model, upload: IO[bytes], description: str = "") -> Attachment:
    """Check, clean and store ``upload`` on ``owner`` (already looked up by the caller with its write action)."""
    _ensure_may_change(actor, owner)
    data = read_limited(upload, settings.XIAOAN_ATTACHMENT_MAX_BYTES)
    kind = sniff(data)
    thumbnail = None
    if kind.is_image:
        cleaned = clean_image(data, kind)
        kind, data, thumbnail = cleaned.kind, cleaned.data, cleaned.thumbnail
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner, for_concrete_model=True),
        object_id=owner.pk,
        content_type_sniffed=kind.mime,
        size=len(data),
        original_name=clean_filename(getattr(upload, "name", "") or "", kind.ext),
        sha256=hashlib.sha256(data).hexdigest(),
        description=description.strip(),
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file", "thumbnail"])
    attachment.file.save(f"upload.{kind.ext}", ContentFile(data), save=False)
    if thumbnail is not None:
        attachment.thumbnail.save(f"thumb.{kind.ext}", ContentFile(thumbnail), save=False)
    stored = _stored_files(attachment)
    try:
        attachment.save()
    except Exception:
        _delete_files(attachment.file.storage, stored)
        raise
    _ensure_may_change(actor, owner)
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    """Delete the record now and its files once the deletion is committed."""
    owner = attachment.owner
    if owner is None:
        raise InvalidInput(_("附件所属的记录已不存在。 The record this file belongs to no longer exists."))
    _ensure_may_change(actor, owner)
    storage, names = attachment.file.storage, _stored_files(attachment)
    attachment.delete()
    transaction.on_commit(lambda: _delete_files(storage, names))


def read_limited(upload: IO[bytes], limit: int) -> bytes:
    """The upload's bytes, refusing it once more than ``limit`` bytes arrive (never reading beyond limit + 1)."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks, total = [], 0
    while total <= limit:
        chunk = upload.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise _too_large(limit)
    if total == 0:
        raise InvalidInput(_("文件是空的。 The file is empty."))
    return b"".join(chunks)


def clean_filename(name: str, ext: str) -> str:
    """The uploader's file name for display and download: no folders, no control characters, right extension."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = PurePosixPath(base).stem.strip(" .") or _("附件")
    return f"{stem[:200]}.{ext}"


def _too_large(limit: int) -> FileTooLarge:
    return FileTooLarge(
        _("文件超过大小上限 %(limit)s，请压缩后再上传。 The file is larger than the %(limit)s limit.")
        % {"limit": filesizeformat(limit)}
    )


def _ensure_may_change(actor: Any, owner: models.Model) -> None:
    spec = owner_spec_for(type(owner))
    if spec is None:
        raise InvalidInput(_("此类记录不能添加附件。 Files cannot be attached to this kind of record."))
    ensure_in_scope(actor, owner)
    ensure_allowed(actor, permission_name(spec.model, spec.action), owner)


def _stored_files(attachment: Attachment) -> list[str]:
    return [f.name for f in (attachment.file, attachment.thumbnail) if f and f.name]


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
