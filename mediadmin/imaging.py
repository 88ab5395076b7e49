"""Pure Pillow helpers: probe an image without trusting its name, decode and re-encode it. No ORM here."""
import functools
import io
import logging
import mmap
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageCms, ImageOps

logger = logging.getLogger(__name__)

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Formats whose animations are stored as animations; an MPO (a camera's JPEG with a second,
# e.g. stereo or preview, image) is stored as a plain JPEG of its first image.
ANIMATED = {"GIF", "PNG", "WEBP"}
STORED_AS = {"MPO": "JPEG"}
# A JPEG marker: FF then a code that is not stuffing (00), a restart (D0-D7) or fill (FF).
_JPEG_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_JPEG_NO_LENGTH = {0x01, 0xD8, 0xD9}  # TEM, SOI, EOI: markers without a length field
_JPEG_SOS = 0xDA


class FrameError(Exception):
    """A frame (0 = the first) could not be decoded."""

    def __init__(self, index, cause):
        self.index, self.cause = index, cause
        super().__init__(f"frame {index}: {cause!r}")


class TooManyPixels(Exception):
    """Decoding the frames so far would cost more pixels than the budget."""

    def __init__(self, pixels, limit):
        self.pixels, self.limit = pixels, limit
        super().__init__(f"{pixels} pixels > {limit}")


@dataclass(frozen=True)
class ImageInfo:
    """What the file really is, read from its header."""

    format: str
    width: int
    height: int
    frames: int

    @property
    def pixels(self):
        """Pixels to decode according to the header, counting every frame of an animation."""
        return self.width * self.height * max(self.frames, 1)

    @property
    def stored_format(self):
        """The format the file is stored in after re-encoding (an MPO becomes a JPEG)."""
        return STORED_AS.get(self.format, self.format)

    @property
    def extension(self):
        """File extension of the stored format."""
        return EXTENSIONS.get(self.stored_format, self.stored_format.lower())

    @property
    def content_type(self):
        """Content type of the stored format."""
        return content_type_of(self.stored_format)


@dataclass(frozen=True)
class CleanImage:
    """A checked image and its re-encoded bytes, ready to store."""

    info: ImageInfo
    data: bytes


def content_type_of(fmt):
    """The content type of a Pillow format name, from Pillow's registry; `image/<format>` if it has none.

    The one answer for both the stored files' type and the file inputs' accept list (upload_kinds).
    """
    Image.init()  # the registry is filled as the format plugins load
    return Image.MIME.get(fmt) or f"image/{fmt.lower()}"


def allowed_formats():
    """Image formats Pillow may open for uploads (never EPS/PS, which run Ghostscript)."""
    return [fmt.upper() for fmt in settings.MEDIADMIN_IMAGE_FORMATS if fmt.upper() != "EPS"]


def open_restricted(fileobj):
    """Open an image with only the allowed format plugins; raises on anything else."""
    fileobj.seek(0)
    return Image.open(fileobj, formats=allowed_formats())


def cmyk_to_srgb(image):
    """An RGB copy of a CMYK image, in sRGB through its embedded colour profile when it has one.

    Pillow's convert("RGB") ignores the profile: a print-ready CMYK photo (a maker's catalogue
    picture) comes out visibly darker and oversaturated next to the original, which browsers
    show colour-managed. LittleCMS (Pillow's ImageCms) converts it the way Photoshop does by
    default: relative colorimetric with black point compensation. A profile it cannot use falls
    back to the plain conversion (logged). The copy keeps the image's info, minus the profile.
    """
    profile = image.info.get("icc_profile")
    converted = (profile and _managed_rgb(image, profile)) or image.convert("RGB")
    converted.info = {key: value for key, value in image.info.items() if key != "icc_profile"}
    return converted


def _managed_rgb(image, profile):
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _srgb_profile(), outputMode="RGB",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    except (ImageCms.PyCMSError, OSError, ValueError) as error:
        logger.warning("A CMYK image's colour profile could not be used (%s); converted without it", error)
        return None


@functools.cache
def _srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))  # made in memory by LittleCMS, once


def probe(fileobj):
    """Read format, size and frame count from the header, without decoding pixels."""
    with open_restricted(fileobj) as img:
        return ImageInfo(img.format, img.width, img.height, getattr(img, "n_frames", 1))


def decode_fully(fileobj):
    """Decode every pixel (of the first frame) so truncated or corrupt data raises."""
    with open_restricted(fileobj) as img:
        img.load()


@contextmanager
def bytes_view(fileobj):
    """The file's bytes without copying them: a memory map of a file on disk (a large upload's
    temporary file), the buffer of an in-memory upload, else (other objects) one read."""
    try:
        fileno = fileobj.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        fileno = None
    if fileno is not None and os.fstat(fileno).st_size:
        with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as view:
            yield view
    elif hasattr(fileobj, "getbuffer"):
        with fileobj.getbuffer() as view:
            yield view
    else:
        fileobj.seek(0)
        yield fileobj.read()


def count_jpeg_scans(data):
    """Number of scans (SOS markers) in JPEG bytes, found without decoding.

    A progressive JPEG is decoded once per scan over the whole image, so the count bounds
    the decoding time. Marker segments are skipped by their length (an EXIF thumbnail inside
    APP1 is not counted); entropy-coded data is skipped up to the next real marker; the
    images of an MPO (several JPEGs one after another) are all counted.
    """
    count, pos = 0, 0
    while (found := _JPEG_MARKER.search(data, pos)) is not None:
        pos, code = found.start(), data[found.start() + 1]
        if code in _JPEG_NO_LENGTH:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        count += code == _JPEG_SOS
        pos += 2 + max(length, 2)
    return count


def reencode(fileobj, info, max_pixels, keep_metadata=None):
    """Decode every frame within `max_pixels` and return the re-encoded bytes.

    Orientation is applied, EXIF/GPS/comments and trailing bytes dropped; animations keep
    every frame, its duration, disposal and blend, and the loop count. The colour profile
    is kept; `keep_metadata` (default MEDIADMIN_KEEP_IMAGE_METADATA) keeps the EXIF block
    of a still image. Raises TooManyPixels before decoding the frame that would exceed the
    budget, FrameError naming the frame that fails, DecompressionBombError from Pillow.
    """
    if keep_metadata is None:
        keep_metadata = settings.MEDIADMIN_KEEP_IMAGE_METADATA
    buffer = io.BytesIO()
    animated = info.frames > 1 and info.format in ANIMATED
    try:
        with open_restricted(fileobj) as img:
            frames = _decode_frames(img, max_pixels, keep_all=animated)
            if animated:
                _save_animation(img, frames, info.format, buffer)
            else:
                _save_still(frames[0], info.stored_format, keep_metadata, buffer)
    finally:
        fileobj.seek(0)
    return buffer.getvalue()


def _frame_pixels(img):
    # The canvas after seeking (a GIF frame may enlarge it) or any tile beyond it.
    right, bottom = img.size
    for tile in img.tile:
        if tile.extents:
            right, bottom = max(right, tile.extents[2]), max(bottom, tile.extents[3])
    return right * bottom


def _decode_frames(img, max_pixels, keep_all):
    """Seek and decode each frame, checking the budget before it is decoded; return the frames kept.

    The first frame is always kept (the image itself when it is the only one); the others
    only with keep_all, as copies carrying their own info (duration, disposal, blend).
    """
    count = getattr(img, "n_frames", 1)
    kept, total = [], 0
    for index in range(count):
        try:
            if index:
                img.seek(index)
            total += _frame_pixels(img)
            if total > max_pixels:
                raise TooManyPixels(total, max_pixels)
            img.load()
        except (TooManyPixels, Image.DecompressionBombError):
            raise
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
            raise FrameError(index, exc) from exc
        if count == 1:
            kept.append(img)
        elif index == 0 or keep_all:
            kept.append(_frame_copy(img))
    return kept


def _frame_copy(img):
    frame = img.copy()
    frame.info = dict(img.info)
    if hasattr(img, "disposal_method"):  # GIF keeps it outside info
        frame.info["disposal"] = img.disposal_method
    frame.info.pop("comment", None)
    return frame


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


def _save_still(img, fmt, keep_metadata, buffer):
    params = _save_params(img, fmt, keep_metadata)
    upright = ImageOps.exif_transpose(img)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    # Pillow writes info["comment"] back (JPEG COM, GIF comment extension): dropped.
    upright.info.pop("comment", None)
    upright.save(buffer, fmt, **params)


def _save_animation(img, frames, fmt, buffer):
    """Every frame with its own duration (and disposal, blend); the source's loop count."""
    params = _animation_params(img, frames, fmt)
    frames[0].save(buffer, fmt, **params)
    if fmt == "PNG" and not _same_frames(buffer.getvalue(), frames):
        # Pillow's APNG writer models "restore to previous" disposal, and "over" blending of
        # pixels turning transparent, incompletely: then each frame replaces the last one.
        buffer.seek(0)
        buffer.truncate()
        count = len(params["duration"])
        params.update(disposal=[0] * count, blend=[0] * count)
        frames[0].save(buffer, fmt, **params)


def _animation_params(img, frames, fmt):
    # An APNG's default image is shown by viewers without APNG support, not played: the
    # per-frame lists describe the played frames only.
    default_image = fmt == "PNG" and bool(img.info.get("default_image"))
    played = frames[1:] if default_image else frames
    params = {"save_all": True, "append_images": frames[1:],
              "duration": [frame.info.get("duration", 0) for frame in played]}
    if "loop" in img.info:  # no loop count: the animation plays once, as in the source
        params["loop"] = img.info["loop"]
    if img.info.get("icc_profile"):
        params["icc_profile"] = img.info["icc_profile"]
    if fmt == "PNG":
        params.update(disposal=[frame.info.get("disposal", 0) for frame in played],
                      blend=[frame.info.get("blend", 0) for frame in played], default_image=default_image)
    elif fmt == "GIF":
        # Pillow's GIF writer treats "restore to previous" (3) as "leave in place" (1) when it
        # computes each frame's difference: say so, and the composited frames stay exact.
        params["disposal"] = [1 if frame.info.get("disposal") == 3 else frame.info.get("disposal", 0)
                              for frame in played]
        if "background" in img.info:
            params["background"] = img.info["background"]
    elif fmt == "WEBP":
        params.update(quality=90, lossless=False, loop=img.info.get("loop", 0))
    return params


def _same_frames(data, frames):
    """True when `data` decodes to `frames` (premultiplied: colour under full transparency is moot)."""
    with Image.open(io.BytesIO(data)) as written:
        if getattr(written, "n_frames", 1) != len(frames):
            return False  # identical frames merged: the fallback writes the same
        for index, frame in enumerate(frames):
            written.seek(index)
            if written.convert("RGBA").convert("RGBa").tobytes() != \
                    frame.convert("RGBA").convert("RGBa").tobytes():
                return False
    return True
