"""What pages show: a named size's thumbnail or URL, and the placeholder when there is none."""
from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static

from . import lookup, scheduling
from .sizes import variant_name

PLACEHOLDER = "mediadmin/img/placeholder.svg"


def placeholder_url():
    """URL of the image shown when a thumbnail cannot be made."""
    return static(PLACEHOLDER)


def thumbnail(field_file, size_name, make=None):
    """Return sorl's thumbnail of field_file in a named size, or None when it cannot be made.

    A size not made yet is made here when `make` is true (the default is the setting
    MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST); otherwise the task is asked for it and None returned.
    """
    if not field_file:
        return None
    if make is None:
        make = settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST
    if make:
        return lookup.found_or_made(field_file, size_name)
    found = lookup.known(field_file, size_name)
    return found if found is not None else scheduling.request_later(field_file)


def thumbnail_of(obj, field_name, size_name):
    """thumbnail() of an instance's image field (prefetch_objects() has attached its entry)."""
    return thumbnail(getattr(obj, field_name), size_name)


def thumbnail_url(field_file, size_name):
    """URL of the thumbnail in a named size, or of the placeholder."""
    thumb = thumbnail(field_file, size_name)
    return thumb.url if thumb else placeholder_url()


@dataclass
class Picture:
    """What {% picture %} renders: modern-format sources, the fallback <img>, its box and sizes."""

    sources: list = field(default_factory=list)  # (MIME type, srcset) for AVIF, then WebP
    src: str = ""
    srcset: str = ""
    width: int | None = None
    height: int | None = None
    sizes: str = ""


def picture(field_file, size_name):
    """The <picture> of a named size: every responsive variant made so far, never one made now.

    A variant not made yet is left out of its srcset (the browser takes another) and the task is
    asked for the image once; with none made at all, the named size (or the placeholder) stands in.
    """
    fallback = thumbnail(field_file, size_name)
    spec = settings.MEDIADMIN_RESPONSIVE_SIZES.get(size_name) or {}
    result = Picture(src=fallback.url if fallback else placeholder_url(), sizes=spec.get("sizes", ""),
                     width=fallback.width if fallback else None, height=fallback.height if fallback else None)
    if not field_file or not spec:
        return result
    missing = False
    for fmt in [*spec.get("formats", ()), None]:
        found = [lookup.known(field_file, variant_name(size_name, width, fmt)) for width in spec["widths"]]
        missing = missing or None in found
        srcset = _srcset(thumb for thumb in found if thumb is not None)
        if srcset and fmt:
            result.sources.append((f"image/{fmt.lower()}", srcset))
        elif srcset:
            result.srcset = srcset
    if missing:
        scheduling.request_later(field_file)
    return result


def _srcset(thumbs):
    # Widths as made: variants are never enlarged, so a small source gives the same width twice.
    seen, parts = set(), []
    for thumb in thumbs:
        if thumb.width not in seen:
            seen.add(thumb.width)
            parts.append(f"{thumb.url} {thumb.width}w")
    return ", ".join(parts)
