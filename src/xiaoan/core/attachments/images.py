"""Image clean-up: refuse decompression bombs from the header, strip all metadata, make a thumbnail."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

from xiaoan.core.errors import InvalidInput

from .sniffing import JPEG, PNG, Kind

THUMBNAIL_SIZE = (320, 320)
JPEG_QUALITY = 85


class ImageTooLarge(InvalidInput):
    default_message = _("图片像素过多，请缩小后再上传。 The image has too many pixels; please shrink it and try again.")


class BrokenImage(InvalidInput):
    default_message = _("图片文件已损坏，无法读取。 The image file is damaged and cannot be read.")


@dataclass(frozen=True)
class CleanImage:
    kind: Kind
    data: bytes
    thumbnail: bytes


def clean_image(data: bytes, kind: Kind) -> CleanImage:
    """Re-encode an uploaded image: orientation applied, no EXIF, GPS, ICC or text chunks left.

    JPEG stays JPEG (quality 85); PNG, GIF (first frame) and WebP become PNG, so transparency survives.
    """
    image = _open_checked(data, kind)
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        image = _to_srgb(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BrokenImage() from None
    target = JPEG if kind == JPEG else PNG
    image = _output_mode(image, target)
    image.info = {}  # PNG writes the ICC profile and text from ``info``; the copy must carry nothing
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    return CleanImage(kind=target, data=_encode(image, target), thumbnail=_encode(thumb, target))


def _open_checked(data: bytes, kind: Kind) -> Image.Image:
    """Open lazily (header only) and refuse before any pixel is decoded when the image is too big."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind.pillow_format])
    except Image.DecompressionBombError:
        raise ImageTooLarge() from None
    except (OSError, SyntaxError, ValueError):
        raise BrokenImage() from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise BrokenImage()
    if width * height > settings.XIAOAN_IMAGE_MAX_PIXELS:
        raise ImageTooLarge()
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Bake an embedded colour profile into the pixels, so dropping the profile keeps the colours."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted or image


def _output_mode(image: Image.Image, target: Kind) -> Image.Image:
    if target == JPEG:
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode == "P" or image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
        return image.convert("RGBA")
    return image


def _encode(image: Image.Image, target: Kind) -> bytes:
    out = io.BytesIO()
    if target == JPEG:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()
