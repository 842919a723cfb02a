"""A file attached to any record; who may see it is decided by that record (its *owner*)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _stored_name(instance: Attachment, filename: str) -> str:
    """``attachments/2026/03/<uuid>.<ext>``: the user's file name never reaches the disk."""
    ext = PurePosixPath(filename).suffix.lower().lstrip(".")
    return timezone.localtime().strftime("attachments/%Y/%m/") + f"{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A photo or document kept as evidence on a record."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("所属类型"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("所属记录"))
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("文件"), upload_to=_stored_name, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=_stored_name, max_length=200, null=True, blank=True)
    content_type_sniffed = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type_sniffed.startswith("image/")

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix.lower()

    @property
    def download_name(self) -> str:
        """The uploader's name with the extension of what is stored (a GIF is served as .png)."""
        stem = PurePosixPath(self.original_name).stem or "file"
        return stem + self.extension
