"""A faster sorl-thumbnail PIL engine: JPEG DCT scaling, reduce() before the final resample.

It subclasses sorl's own engine and changes only how the source is opened, decoded and
scaled, so every sorl option (crop, padding, rounded, blur, colorspace...) keeps working and
the output matches sorl's default engine to within rounding (tests/test_thumbnail_engine.py).
"""
from io import BytesIO

from PIL import ImageOps
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.engines import pil_engine
from sorl.thumbnail.helpers import toint

from . import imaging

EXIF_ORIENTATION = 0x0112
# Decode and reduce() to at least this many times the target size, then let LANCZOS do the
# rest: the same rule as Pillow's own Image.thumbnail(reducing_gap=2.0). Below ~2 the box
# filter of reduce()/DCT scaling starts to show as softness next to the default engine.
REDUCING_GAP = 2.0
# Keys stored in Image.info (copied by every Pillow transform) to scale from the full size.
_FULL_SIZE = "mediadmin.full_size"
_DRAFT_SIZE = "mediadmin.draft_size"
# Modes Image.reduce() handles (it premultiplies LA and RGBA itself).
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "RGBa", "La", "I", "F", "CMYK"}


class Engine(pil_engine.Engine):
    """sorl's PIL engine, decoding JPEGs at reduced scale and reducing before resampling."""

    def get_image(self, source):
        """Open the source with the allowed formats only (never EPS or other plugins)."""
        return imaging.open_restricted(BytesIO(source.read()))

    def is_valid_image(self, raw_data):
        """True when the bytes are a complete image in an allowed format."""
        try:
            imaging.decode_fully(BytesIO(raw_data))
        except Exception:
            return False
        return True

    def create(self, image, geometry, options):
        """Take the first frame of an animation, decode a JPEG at reduced scale, then run sorl."""
        image = self._first_frame(image, options)
        image = self._draft(image, geometry, options)
        return super().create(image, geometry, options)

    def _first_frame(self, image, options):
        # A thumbnail of an animation is its first frame, a still image. Other formats already
        # use only the current (first) frame; sorl writes every frame only when writing a GIF.
        if options.get("format") != "GIF" or not getattr(image, "is_animated", False):
            return image
        image.seek(0)
        frame = image.copy()
        frame.info = dict(image.info)
        return frame

    def _draft(self, image, geometry, options):
        # Image.draft() only works before the pixels are decoded, and only for JPEG;
        # a cropbox or border removal works in full-size pixels, so those keep it off.
        # MPO is how Pillow opens many camera JPEGs (a JPEG plus a preview image).
        if image.format not in ("JPEG", "MPO") or options.get("cropbox") or options.get("remove_border"):
            return image
        width, height = image.size
        oriented = (height, width) if self.flip_dimensions(image, options=options) else (width, height)
        factor = self._calculate_scaling_factor(*oriented, geometry, options)
        factor *= REDUCING_GAP * max([1, *sorl_settings.THUMBNAIL_ALTERNATIVE_RESOLUTIONS])
        if factor >= 1:
            return image
        image.draft(None, (max(1, int(width * factor)), max(1, int(height * factor))))
        if image.size != (width, height):
            image.info[_FULL_SIZE] = (width, height)
            image.info[_DRAFT_SIZE] = image.size
        return image

    def scale(self, image, geometry, options):
        """Scale to the size sorl's default engine would compute from the full-size source."""
        full = self._full_size(image)
        if full is None:
            return super().scale(image, geometry, options)
        factor = self._calculate_scaling_factor(*full, geometry, options)
        if factor < 1 or options["upscale"]:
            image = self._scale(image, toint(full[0] * factor), toint(full[1] * factor))
        for key in (_FULL_SIZE, _DRAFT_SIZE):
            image.info.pop(key, None)
        return image

    def _full_size(self, image):
        # The full size in the current orientation, or None when the image was not drafted
        # (or was cut since, e.g. by a cropbox, and sorl's own arithmetic applies).
        full, drafted = image.info.get(_FULL_SIZE), image.info.get(_DRAFT_SIZE)
        if not full:
            return None
        if image.size == drafted:
            return full
        if image.size == drafted[::-1]:
            return full[::-1]
        return None

    def _scale(self, image, width, height):
        # reduce() is a fast box filter; LANCZOS then works on a small image.
        factor = min(image.width // max(1, round(width * REDUCING_GAP)),
                     image.height // max(1, round(height * REDUCING_GAP)))
        if factor >= 2 and image.mode in _REDUCIBLE:
            image = image.reduce(factor)
        return image.resize((width, height), resample=pil_engine.ANTIALIAS)

    def _get_exif_orientation(self, image):
        # getexif() reads JPEG, PNG (eXIf) and WebP alike; sorl's _getexif() is JPEG-only.
        try:
            return image.getexif().get(EXIF_ORIENTATION)
        except Exception:
            return None

    def _orientation(self, image):
        # exif_transpose also drops the tag, so later steps do not flip the size again.
        if self._get_exif_orientation(image) in (2, 3, 4, 5, 6, 7, 8):
            return ImageOps.exif_transpose(image)
        return image
