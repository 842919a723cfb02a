"""What a file is, decided by its bytes — never by its name or the browser's Content-Type."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from xiaoan.core.errors import InvalidInput

# Office Open XML main parts, as declared in [Content_Types].xml. Macro-enabled variants are refused.
_OOXML_TYPES = {
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
}
_CONTENT_TYPES_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Kind:
    mime: str
    ext: str
    pillow_format: str = ""  # set for images

    @property
    def is_image(self) -> bool:
        return bool(self.pillow_format)


JPEG = Kind("image/jpeg", "jpg", "JPEG")
PNG = Kind("image/png", "png", "PNG")
GIF = Kind("image/gif", "gif", "GIF")
WEBP = Kind("image/webp", "webp", "WEBP")
PDF = Kind("application/pdf", "pdf")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")


class UnsupportedType(InvalidInput):
    default_message = _(
        "不支持的文件类型：只接受 JPEG、PNG、WebP、GIF 图片，PDF，以及 Excel（.xlsx）和 Word（.docx）文档。"
        " Unsupported file type: only JPEG, PNG, WebP and GIF images, PDF, and Excel (.xlsx) or Word (.docx)"
        " documents are accepted."
    )


def sniff(data: bytes) -> Kind:
    """The kind of ``data`` by its magic bytes (and, for zip files, by the declared Office main part)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_office(data)
    raise UnsupportedType()


def _sniff_office(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX_BYTES:
                raise UnsupportedType()
            with archive.open(info) as member:
                declared = member.read(_CONTENT_TYPES_MAX_BYTES + 1)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError):
        raise UnsupportedType() from None
    found = {ext for content_type, ext in _OOXML_TYPES.items() if content_type in declared}
    if found == {"xlsx"}:
        return XLSX
    if found == {"docx"}:
        return DOCX
    raise UnsupportedType()
