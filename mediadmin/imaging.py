"""Pure Pillow helpers: probe an image without trusting its name. No ORM here."""
import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@dataclass(frozen=True)
class ImageInfo:
    """What the file really is, read from its header."""

    format: str
    width: int
    height: int
    frames: int

    @property
    def pixels(self):
        """Pixels to decode, counting every frame of an animation."""
        return self.width * self.height * max(self.frames, 1)

    @property
    def extension(self):
        """File extension matching the detected format."""
        return EXTENSIONS.get(self.format, self.format.lower())


def allowed_formats():
    """Image formats Pillow may open for uploads (never EPS/PS, which run Ghostscript)."""
    return [fmt.upper() for fmt in settings.MEDIADMIN_IMAGE_FORMATS if fmt.upper() != "EPS"]


def open_restricted(fileobj):
    """Open an image with only the allowed format plugins; raises on anything else."""
    fileobj.seek(0)
    return Image.open(fileobj, formats=allowed_formats())


def probe(fileobj):
    """Read format, size and frame count from the header, without decoding pixels."""
    with open_restricted(fileobj) as img:
        return ImageInfo(img.format, img.width, img.height, getattr(img, "n_frames", 1))


def decode_fully(fileobj):
    """Decode every pixel (of the first frame) so truncated or corrupt data raises."""
    with open_restricted(fileobj) as img:
        img.load()


def _save_params(img, fmt, keep_metadata):
    params = {}
    if img.info.get("icc_profile"):
        params["icc_profile"] = img.info["icc_profile"]  # colours stay right
    if keep_metadata:
        exif = img.getexif()
        exif.pop(0x0112, None)  # orientation is applied to the pixels
        if exif:
            params["exif"] = exif.tobytes()
    if fmt == "JPEG":
        params.update(quality=92, optimize=True)
    elif fmt == "WEBP":
        params.update(quality=90, method=4)
    elif fmt in ("PNG", "GIF") and "transparency" in img.info:
        params["transparency"] = img.info["transparency"]
    return params


def _save_animation(img, fmt, buffer):
    params = {"save_all": True, "loop": img.info.get("loop", 0)}
    if "duration" in img.info:
        params["duration"] = img.info["duration"]
    if fmt == "WEBP":
        params.update(quality=90, lossless=False)
    img.save(buffer, fmt, **params)


def sanitize(fileobj, info, keep_metadata=None):
    """Re-encode an image: orientation applied; EXIF/GPS/comments and trailing bytes dropped.

    The colour profile is kept. `keep_metadata` (default MEDIADMIN_KEEP_IMAGE_METADATA)
    keeps the EXIF block instead. Returns the new file's bytes, in the same format.
    """
    if keep_metadata is None:
        keep_metadata = settings.MEDIADMIN_KEEP_IMAGE_METADATA
    buffer = io.BytesIO()
    with open_restricted(fileobj) as img:
        if info.frames > 1:
            _save_animation(img, info.format, buffer)
        else:
            params = _save_params(img, info.format, keep_metadata)
            upright = ImageOps.exif_transpose(img)
            if info.format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(buffer, info.format, **params)
    fileobj.seek(0)
    return buffer.getvalue()
