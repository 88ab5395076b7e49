"""Named sizes (settings.MEDIADMIN_THUMBNAIL_SIZES), their responsive variants, and the file each one names.

A public size listed in MEDIADMIN_RESPONSIVE_SIZES also has variants, named like
`detail@800.webp` (width 800, WebP) or `detail@800` (width 800, the source's format, the
fallback): the same crop and options at each width, never enlarged. They are ordinary sizes to
the rest of the package (made after commit by warm(), found by known(), deleted with the
image), listed after the named sizes so the admin's small ones are made first.
"""
import re

from django.conf import settings

from . import sorl_adapter

_GEOMETRY = re.compile(r"^(\d*)x?(\d*)$")


def size_spec(size_name, field_file=None):
    """Return (geometry, options) for a named size or one of its responsive variants.

    A cropped size of an image with a focal point (fields.SafeImageField focal_fields) crops
    around it: sorl's crop="x% y%", which keeps that point inside the crop. Without one, the
    centre, or sorl's "smart" guess (the busiest part) when MEDIADMIN_FOCAL_GUESS is on.
    """
    base, _, variant = size_name.partition("@")
    geometry, options = settings.MEDIADMIN_THUMBNAIL_SIZES[base]
    options = dict(options)
    if options.get("crop") and (focal := focal_point(field_file)):
        options["crop"] = f"{focal[0]}% {focal[1]}%"
    elif options.get("crop") and field_file is not None and settings.MEDIADMIN_FOCAL_GUESS:
        options["crop"] = "smart"  # sorl's guess: it trims the edges with the least detail
    if settings.MEDIADMIN_THUMBNAIL_FORMAT:
        options.setdefault("format", settings.MEDIADMIN_THUMBNAIL_FORMAT)
    if not variant:
        return geometry, options
    width, _, fmt = variant.partition(".")
    options["upscale"] = False  # a variant wider than the source would only be blurred and heavier
    if fmt:
        options["format"] = fmt.upper()
    return _scaled(geometry, int(width)), options


def focal_point(field_file):
    """(x %, y %) of an image's focal point, or None (no focal fields, or not set: the centre)."""
    fields = getattr(getattr(field_file, "field", None), "focal_fields", None)
    instance = getattr(field_file, "instance", None)
    if not fields or instance is None:
        return None
    x, y = (getattr(instance, name) for name in fields)
    return None if x is None or y is None else (x, y)


def _scaled(geometry, width):
    # "320x240" at 640 → "640x480"; "800x800" at 400 → "400x400"; "x150" keeps its aspect by width.
    box_width, box_height = _GEOMETRY.match(geometry).groups()
    if box_width and box_height:
        return f"{width}x{round(width * int(box_height) / int(box_width))}"
    return str(width)


def variant_name(size_name, width, fmt=None):
    """The name of one responsive variant: `detail@800.avif`, or `detail@800` in the source's format."""
    return f"{size_name}@{width}{'.' + fmt.lower() if fmt else ''}"


def variant_names(size_name):
    """The responsive variants of a public size: each width in each modern format, then the fallback."""
    spec = settings.MEDIADMIN_RESPONSIVE_SIZES.get(size_name) or {}
    return [variant_name(size_name, width, fmt)
            for fmt in [*spec.get("formats", ()), None] for width in spec.get("widths", ())]


def size_names():
    """Every size to make for an image: the named sizes, then the responsive variants."""
    names = list(settings.MEDIADMIN_THUMBNAIL_SIZES)
    return names + [variant for name in names for variant in variant_names(name)]


def thumbnail_file(field_file, size_name):
    """sorl's ImageFile of a named-size thumbnail: its name and key, without any I/O."""
    return sorl_adapter.thumbnail_file(field_file, *size_spec(size_name, field_file))


def thumbnail_key(field_file, size_name):
    """The raw key-value key of a named-size thumbnail, without any I/O."""
    return sorl_adapter.thumbnail_name_and_key(field_file, *size_spec(size_name, field_file))[1]
