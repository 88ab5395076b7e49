"""A faster sorl-thumbnail PIL engine: JPEG DCT scaling, reduce() before the final resample.

It subclasses sorl's own engine and changes only how the source is opened, decoded and
scaled, so every sorl option (crop, padding, rounded, blur, colorspace...) keeps working and
the output matches sorl's default engine to within rounding (tests/test_thumbnail_engine.py).

Inside shared_decode() (what thumbnails.warm() uses), the thumbnails of one source are all made
from one decode of it, at the scale the largest of them needs, instead of one decode each.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from PIL import ImageMath, ImageOps
from sorl.thumbnail import default
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.engines import pil_engine
from sorl.thumbnail.helpers import toint
from sorl.thumbnail.parsers import parse_geometry

from . import imaging

EXIF_ORIENTATION = 0x0112
# Decode and reduce() to at least this many times the target size, then let LANCZOS do the
# rest: the same rule as Pillow's own Image.thumbnail(reducing_gap=2.0). Below ~2 the box
# filter of reduce()/DCT scaling starts to show as softness next to the default engine.
REDUCING_GAP = 2.0
# Keys stored in Image.info (copied by every Pillow transform) to scale from the full size.
_FULL_SIZE = "mediadmin.full_size"
_DRAFT_SIZE = "mediadmin.draft_size"
# A source that cannot be decoded at reduced scale (not a JPEG) is shared only up to this many
# pixels: the shared decode stays in memory beside each size's working copy, so a 40 MP RGBA
# PNG would hold about 320 MB instead of 160 MB. JPEGs are shared at any size: their shared
# decode is at reduced scale, no larger than what the largest size decoded on its own.
SHARED_DECODE_MAX_PIXELS = 8_000_000
# Modes Image.reduce() handles (it premultiplies LA and RGBA itself).
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "RGBa", "La", "I", "F", "CMYK"}
# Modes whose colour profile (if any) describes RGB: a P image's palette is RGB.
_RGB_PROFILED_MODES = {"RGB", "RGBA", "RGBX", "RGBa", "P", "PA"}
# Modes Pillow reads 16-bit grey PNGs in.
_SIXTEEN_BIT_GREY = {"I;16", "I;16B", "I;16L", "I"}


@dataclass
class _Shared:
    """One source's decode, shared by the thumbnails made of it in a shared_decode() block."""

    name: str
    plan: list  # (geometry string, options) of each thumbnail the block may make
    opened: object = None  # the image get_image() last opened for `name`
    decoded: object = None  # decoded once, at the scale the largest planned thumbnail needs


# Per thread (and per task): a ContextVar never leaks a decode to another thread or call.
_shared = ContextVar("mediadmin.thumbnail_engine.shared", default=None)


@contextmanager
def shared_decode(name, plan):
    """Within the block, decode the stored image `name` once for all the thumbnails made of it.

    `plan` lists the (geometry string, sorl options) of those thumbnails: a JPEG is decoded
    at the scale the largest of them needs, and each thumbnail starts from a copy of that
    image. Thumbnails with a cropbox or remove_border keep their own decode. The decoded
    image is dropped when the block ends. Yields the state (shared_state() returns it too).
    """
    state = _Shared(name, [(geometry, opts) for geometry, opts in plan if _shareable(opts)])
    token = _shared.set(state)
    try:
        yield state
    finally:
        _shared.reset(token)
        state.opened = state.decoded = None


def shared_state():
    """The current shared_decode() state, or None outside such a block."""
    return _shared.get()


def _shareable(options):
    # Both work on full-size pixels of their own (see _draft); they keep the per-thumbnail path.
    return not options.get("cropbox") and not options.get("remove_border")


def _not_shared(image):
    """The image, or a copy of it when it is the shared decode (later steps may change it in place)."""
    state = _shared.get()
    return image.copy() if state is not None and image is state.decoded else image


def _eight_bit_with_alpha(image):
    """An image sorl can process and save, whatever mode Pillow read a PNG in.

    A PNG's tRNS chunk on a 1-bit, grey or RGB image is info["transparency"]: sorl's colour
    step would carry it to an RGB image, which Pillow cannot save, so it becomes an alpha
    channel first. 16-bit grey (I;16) is scaled to 8 bits: Pillow's own conversion clips
    every level above 255 to white (and ignores its tRNS).
    """
    if image.mode in _SIXTEEN_BIT_GREY:
        return _grey_from_sixteen_bits(image)
    if "transparency" in image.info and image.mode in ("1", "L", "RGB"):
        return image.convert("RGBA")
    return image


def _grey_from_sixteen_bits(image):
    wide = image.convert("I")
    grey = wide.point(lambda value: value / 256).convert("L")
    grey.info = {k: v for k, v in image.info.items() if k != "transparency"}
    if "transparency" not in image.info:
        return grey
    level = image.info["transparency"]
    opaque = ImageMath.lambda_eval(lambda args: args["image"] != level, image=wide)  # 0 or 1
    grey.putalpha(opaque.point(lambda value: value * 255).convert("L"))
    return grey.convert("RGBA")


class Engine(pil_engine.Engine):
    """sorl's PIL engine, decoding JPEGs at reduced scale and reducing before resampling."""

    def get_image(self, source):
        """Open the source with the allowed formats only (never EPS or other plugins)."""
        image = imaging.open_restricted(BytesIO(source.read()))
        state = _shared.get()
        if state is not None and source.name == state.name:
            state.opened = image  # create() will start from the shared decode instead
        return image

    def get_image_info(self, image):
        """The source's info written into each thumbnail; a profile that is not an RGB one left out.

        The thumbnails are RGB (sorl's colour step; a CMYK source through its profile, _colorspace):
        a CMYK or grey profile would mis-tag them. An RGB profile (a phone's Display P3) is kept.
        """
        info = super().get_image_info(image)
        if image.mode in _RGB_PROFILED_MODES:
            return info
        return {key: value for key, value in info.items() if key != "icc_profile"}

    def _colorspace(self, image, colorspace, format_):
        # sorl's RGB step is Pillow's convert(), which ignores a CMYK image's colour profile.
        if colorspace == "RGB" and image.mode == "CMYK":
            return imaging.cmyk_to_srgb(image)
        return super()._colorspace(image, colorspace, format_)

    def is_valid_image(self, raw_data):
        """True when the bytes are a complete image in an allowed format."""
        try:
            imaging.decode_fully(BytesIO(raw_data))
        except Exception:
            return False
        return True

    def create(self, image, geometry, options):
        """Take the first frame of an animation, decode a JPEG at reduced scale, then run sorl.

        In a shared_decode() block, start from a copy of the source's one shared decode.
        """
        shared = self._shared_copy(image, options)
        if shared is not None:
            return super().create(_eight_bit_with_alpha(shared), geometry, options)
        image = self._first_frame(image, options)
        image = self._draft(image, geometry, options)
        return super().create(_eight_bit_with_alpha(image), geometry, options)

    def _get_raw_data(self, image, format_, quality, image_info=None, progressive=False):
        """Encode a thumbnail; PNGs at MEDIADMIN_PNG_COMPRESS_LEVEL instead of sorl's optimize.

        sorl saves every format with optimize=1, which for PNG means zlib level 9 plus a filter
        search: about 80 % of a PNG thumbnail's time for files a few percent smaller
        (docs/performance.md, "PNG thumbnails"). None keeps sorl's way.
        """
        if format_ in _MODERN_ENCODERS:
            return _modern_bytes(image, format_, image_info or {})
        level = getattr(settings, "MEDIADMIN_PNG_COMPRESS_LEVEL", None)
        if format_ != "PNG" or level is None:
            return super()._get_raw_data(image, format_, quality, image_info=image_info, progressive=progressive)
        return _png_bytes(image, image_info or {}, level)

    def _shared_copy(self, image, options):
        # The shared decode itself: sorl's steps before scale() (orientation, colour space)
        # return new images, and scale() copies it when it would pass it on unscaled, as
        # sorl's later steps may change an image in place (rounded's putalpha). Copying it for
        # every size cost a full-size copy each (docs/performance.md, "PNG thumbnails").
        state = _shared.get()
        if state is None or image is not state.opened or not _shareable(options):
            return None
        if state.decoded is None and not self._draftable(image, {}) and \
                image.width * image.height > SHARED_DECODE_MAX_PIXELS:
            return None  # a large PNG/WebP/GIF: one full decode kept beside a working copy costs too much memory
        if state.decoded is None:
            # One copy per source: a plain still image, not the opened file (an animation's
            # file object would make sorl write every frame). A CMYK source is converted once here
            # for every size (a new image: no copy needed), not in each size's colour step.
            decoded = self._decode_for(image, state.plan)
            state.decoded = imaging.cmyk_to_srgb(decoded) if decoded.mode == "CMYK" else decoded.copy()
        return state.decoded

    def _decode_for(self, image, plan):
        # Decodes the first frame (a still image: what _first_frame gives an animation), for
        # a JPEG at the largest scale any planned thumbnail needs.
        if self._draftable(image, {}):
            factors = [self._draft_factor(image, self._planned_geometry(image, geometry, opts), opts)
                       for geometry, opts in self._filled(plan)]
            self._apply_draft(image, max(factors, default=1))
        image.load()
        return image

    def _filled(self, plan):
        # The options as sorl's backend completes them (crop, upscale, cropbox...).
        return [(geometry, {**default.backend.default_options, **opts}) for geometry, opts in plan]

    def _planned_geometry(self, image, geometry_string, options):
        # What sorl's backend computes before calling create() (_create_thumbnail).
        return parse_geometry(geometry_string, self.get_image_ratio(image, options))

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
        if not self._draftable(image, options):
            return image
        return self._apply_draft(image, self._draft_factor(image, geometry, options))

    def _draftable(self, image, options):
        # Image.draft() only works before the pixels are decoded, and only for JPEG;
        # a cropbox or border removal works in full-size pixels, so those keep it off.
        # MPO is how Pillow opens many camera JPEGs (a JPEG plus a preview image).
        return image.format in ("JPEG", "MPO") and _shareable(options)

    def _draft_factor(self, image, geometry, options):
        # The scale to decode at: REDUCING_GAP times the target (and its alternative resolutions).
        width, height = image.size
        oriented = (height, width) if self.flip_dimensions(image, options=options) else (width, height)
        factor = self._calculate_scaling_factor(*oriented, geometry, options)
        return factor * REDUCING_GAP * max([1, *sorl_settings.THUMBNAIL_ALTERNATIVE_RESOLUTIONS])

    def _apply_draft(self, image, factor):
        if factor >= 1:
            return image
        width, height = image.size
        image.draft(None, (max(1, int(width * factor)), max(1, int(height * factor))))
        if image.size != (width, height):
            image.info[_FULL_SIZE] = (width, height)
            image.info[_DRAFT_SIZE] = image.size
        return image

    def scale(self, image, geometry, options):
        """Scale to the size sorl's default engine would compute from the full-size source."""
        full = self._full_size(image)
        if full is None:
            return _not_shared(super().scale(image, geometry, options))
        factor = self._calculate_scaling_factor(*full, geometry, options)
        if factor < 1 or options["upscale"]:
            image = self._scale(image, toint(full[0] * factor), toint(full[1] * factor))
        image = _not_shared(image)
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
        # reduce() is a fast box filter; LANCZOS then works on a small image. Pillow's
        # reducing_gap does both and maps the reduced pixels back exactly, also when the
        # factor does not divide the size (a shared decode reduces by up to ~12).
        gap = REDUCING_GAP if image.mode in _REDUCIBLE else None
        return image.resize((width, height), resample=pil_engine.ANTIALIAS, reducing_gap=gap)

    def _get_exif_orientation(self, image):
        # getexif() reads JPEG, PNG (eXIf) and WebP alike; sorl's _getexif() is JPEG-only.
        try:
            return self._exif_source(image).getexif().get(EXIF_ORIENTATION)
        except Exception:
            return None

    def _exif_source(self, image):
        # A PNG's getexif() decodes all its pixels (an eXIf chunk may follow them), and sorl
        # asks for the orientation of every opening of the source to compute the ratio: in a
        # shared_decode() block, the shared decode answers for them, from the same bytes.
        state = _shared.get()
        if state is not None and state.decoded is not None and image is state.opened:
            return state.decoded
        return image

    def _orientation(self, image):
        # exif_transpose also drops the tag, so later steps do not flip the size again.
        if self._get_exif_orientation(image) in (2, 3, 4, 5, 6, 7, 8):
            return ImageOps.exif_transpose(image)
        return image


# Encoder settings of the responsive variants' formats (MEDIADMIN_AVIF_* / MEDIADMIN_WEBP_*):
# sorl would save them at THUMBNAIL_QUALITY (85, a JPEG's scale) and AVIF at its slowest speed.
_MODERN_ENCODERS = {
    "AVIF": lambda: {"quality": settings.MEDIADMIN_AVIF_QUALITY, "speed": settings.MEDIADMIN_AVIF_SPEED},
    "WEBP": lambda: {"quality": settings.MEDIADMIN_WEBP_QUALITY, "method": 4},
}


def _modern_bytes(image, format_, image_info):
    """One frame in AVIF or WebP, alpha kept, at the format's own quality settings."""
    frame = image[0] if isinstance(image, list) else image
    # Always said: Pillow's AVIF writer would otherwise take the frame's own info["icc_profile"],
    # which a grey source's profile survives sorl's RGB conversion in (get_image_info leaves it out).
    params = {"format": format_, **_MODERN_ENCODERS[format_](), "icc_profile": image_info.get("icc_profile") or b""}
    buffer = BytesIO()
    frame.save(buffer, **params)
    return buffer.getvalue()


def _png_bytes(image, image_info, level):
    """A PNG (an APNG for a list of frames, as sorl passes animations) at a zlib level."""
    frames = image if isinstance(image, list) else [image]
    params = {"format": "PNG", "compress_level": level}
    if len(frames) > 1:  # the same animation parameters sorl's own encoder writes
        params.update(save_all=True, append_images=frames[1:], disposal=2,
                      duration=[frame.info["duration"] for frame in frames])
        if "loop" in image_info:
            params["loop"] = image_info["loop"]
    params["icc_profile"] = image_info.get("icc_profile") or b""  # as in _modern_bytes: never the frame's own
    buffer = BytesIO()
    frames[0].save(buffer, **params)
    return buffer.getvalue()
