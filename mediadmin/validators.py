"""Validation of uploaded files by content, size and pixel count, never by name."""
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from . import filenames, filetypes, imaging, officezip
from .uploadlog import logs_refusals

logger = logging.getLogger(__name__)

# content type -> extension, for documents recognised by their bytes.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
    "text/csv": "csv",
}
_TEXT_REFUSED_PREFIXES = (b"<", b"#!", b"%!", b"MZ", b"\x7fELF", b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff")
# Markup a browser would render or run, anywhere in the sample.
_MARKUP = re.compile(rb"<\s*(?:html|head|body|script|svg|iframe|object|embed|\?xml|!doctype|meta|a\s)",
                     re.IGNORECASE)


def _needs_check(value):
    """Only files that have not been stored yet are inspected (saved files were checked)."""
    return not getattr(value, "_committed", False)


def _display_name(value):
    return filenames.display_name(getattr(value, "name", "") or "")


def _check_size(value, limit):
    if value.size is not None and value.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"name": _display_name(value), "size": filesizeformat(value.size),
                    "limit": filesizeformat(limit)},
        )


_CLEAN_IMAGE = "_mediadmin_clean_image"
# Pillow's DecompressionBombError names the pixels of the frame it refused.
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def inspect_image(fileobj):
    """Return ImageInfo for an allowed, bounded, fully decodable image or raise ValidationError."""
    return clean_image(fileobj).info


def clean_image(fileobj):
    """Return the CleanImage (info and re-encoded bytes) of an acceptable image, or raise ValidationError.

    Checking an image decodes every frame and re-encodes it, so what passes is exactly
    what will be stored. The result is remembered on the uploaded file: the form, the
    model validator and the field's pre_save share one decode and one re-encode.
    """
    holders = _cache_holders(fileobj)
    for holder in holders:
        cached = getattr(holder, _CLEAN_IMAGE, None)
        if isinstance(cached, imaging.CleanImage):
            return cached
    clean = _inspect_image(fileobj)
    for holder in holders:
        try:
            setattr(holder, _CLEAN_IMAGE, clean)
        except AttributeError:  # some file objects take no attributes
            pass
    return clean


def _cache_holders(fileobj):
    # The uploaded file and the objects it wraps (a model's FieldFile wraps the uploaded file,
    # which wraps a BytesIO or a temporary file): the form sees one, pre_save another. The
    # FieldFile itself outlives its content (it is reused once stored), so it holds nothing.
    holders, current = [], fileobj
    while current is not None and len(holders) < 4 and not any(h is current for h in holders):
        if not isinstance(current, FieldFile):
            holders.append(current)
        current = getattr(current, "file", None) if _has_open_file(current) else None
    return holders


def _has_open_file(obj):
    # A FieldFile's .file opens the stored file when none is attached: never done here.
    return not isinstance(obj, FieldFile) or getattr(obj, "_file", None) is not None


def _inspect_image(fileobj):
    name, info = _display_name(fileobj), None
    try:
        info = imaging.probe(fileobj)
        _check_image_header(info, name)
        _check_jpeg_scans(fileobj, info, name)
        data = imaging.reencode(fileobj, info, settings.MEDIADMIN_MAX_IMAGE_PIXELS)
    except imaging.TooManyPixels as exc:
        raise _too_many_pixels(name, exc.pixels) from exc
    except Image.DecompressionBombError as exc:
        found = _BOMB_PIXELS.search(str(exc))
        raise _too_many_pixels(name, int(found.group(1)) if found else None, one_frame=True) from exc
    except UnidentifiedImageError:
        raise ValidationError(
            _("%(name)s is not an image in an allowed format (%(formats)s)."),
            code="invalid_image",
            params={"name": name, "formats": ", ".join(imaging.allowed_formats())},
        ) from None
    except imaging.FrameError as exc:
        raise _broken(name, exc.cause, exc.index, info.frames) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _broken(name, exc) from exc
    finally:
        fileobj.seek(0)
    return imaging.CleanImage(info, data)


def _check_image_header(info, name):
    """Frame count and header pixel count (every frame at the header's size): refused before decoding."""
    if info.frames > settings.MEDIADMIN_MAX_IMAGE_FRAMES:
        raise ValidationError(
            _("%(name)s has %(frames)d frames; the limit is %(limit)d."),
            code="too_many_frames",
            params={"name": name, "frames": info.frames, "limit": settings.MEDIADMIN_MAX_IMAGE_FRAMES},
        )
    if info.pixels > settings.MEDIADMIN_MAX_IMAGE_PIXELS:
        raise _too_many_pixels(name, info.pixels)


def _too_many_pixels(name, pixels, one_frame=False):
    """The refusal of an image over the pixel budget; `one_frame`: Pillow's guard counted one frame."""
    limit = settings.MEDIADMIN_MAX_IMAGE_PIXELS / 1e6
    if pixels is None:
        message = _("%(name)s has too many pixels to decode safely; the limit is %(limit).0f megapixels.")
    elif one_frame:
        message = _("%(name)s has a frame of %(mp).1f megapixels; the limit is %(limit).0f.")
    else:
        message = _("%(name)s has %(mp).1f megapixels (counting every frame at its real size); "
                    "the limit is %(limit).0f.")
    return ValidationError(message, code="too_many_pixels",
                           params={"name": name, "mp": (pixels or 0) / 1e6, "limit": limit})


def _check_jpeg_scans(fileobj, info, name):
    """A progressive JPEG is decoded once per scan: their number is bounded before decoding."""
    if info.format not in ("JPEG", "MPO"):
        return
    with imaging.bytes_view(_cache_holders(fileobj)[-1]) as data:
        scans = imaging.count_jpeg_scans(data)
    if scans > settings.MEDIADMIN_MAX_JPEG_SCANS:
        raise ValidationError(
            _("%(name)s is a JPEG of %(scans)d scans; the limit is %(limit)d."),
            code="too_many_scans",
            params={"name": name, "scans": scans, "limit": settings.MEDIADMIN_MAX_JPEG_SCANS},
        )


def _broken(name, cause, index=None, frames=1):
    """A ValidationError saying whether the file is truncated or corrupt, and in which frame."""
    logger.info("Refused broken image %r (frame %s): %r", name, index, cause)
    truncated = isinstance(cause, EOFError) or "truncated" in str(cause).lower()
    params = {"name": name, "frame": (index or 0) + 1, "frames": frames}
    if index is None:
        message = _("%(name)s is truncated: the file ends inside its header.") if truncated else \
            _("%(name)s is corrupt: its header cannot be read.")
    elif frames > 1:
        message = _("%(name)s is truncated: frame %(frame)d of %(frames)d is cut short or missing.") \
            if truncated else _("%(name)s is corrupt: frame %(frame)d of %(frames)d cannot be decoded.")
    else:
        message = _("%(name)s is truncated: the file ends before its pixel data does.") if truncated \
            else _("%(name)s is corrupt: its pixel data cannot be decoded.")
    return ValidationError(message, code="truncated_image" if truncated else "corrupt_image",
                           params=params)


@logs_refusals
def validate_image_file(value):
    """Model-field validator: an allowed image format, within byte and pixel limits."""
    if not value or not _needs_check(value):
        return
    _check_size(value, settings.MEDIADMIN_MAX_IMAGE_BYTES)
    # Before the decode and re-encode: a probe of the header is enough to name both types.
    _refuse_misnamed_image(value)
    inspect_image(value)


def _sniff_text(head, name):
    """txt or csv for UTF-8 text that is not markup, a script or a binary."""
    if b"\x00" in head or head.lstrip().startswith(_TEXT_REFUSED_PREFIXES):
        return None
    if _MARKUP.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return None
    return "csv" if name.lower().endswith(".csv") else "txt"


def sniff_document(fileobj):
    """Return the content type of a document recognised by its bytes, or None.

    An Office file that is unsafe (too many entries, macros, unsafe paths) or damaged raises
    ValidationError with the reason instead (mediadmin.officezip).
    """
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    ext = None
    if head.startswith(b"%PDF-"):
        ext = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        ext = officezip.sniff(fileobj, _display_name(fileobj))
    elif head:
        ext = _sniff_text(head, _display_name(fileobj))
    if ext not in {e.lower() for e in settings.MEDIADMIN_DOCUMENT_TYPES}:
        return None
    return next((ct for ct, e in DOCUMENT_TYPES.items() if e == ext), None)


@logs_refusals
def validate_document_file(value):
    """Model-field validator: a document type recognised by its content, within the size limit."""
    if not value or not _needs_check(value):
        return
    _check_size(value, settings.MEDIADMIN_MAX_DOCUMENT_BYTES)
    if value.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty",
                              params={"name": _display_name(value)})
    content_type = sniff_document(value)
    if content_type is None:
        _refuse_misnamed_image(value)
        raise ValidationError(
            _("%(name)s is not an allowed document (%(types)s), judged by its content."),
            code="invalid_document",
            params={"name": _display_name(value),
                    "types": ", ".join(t.upper() for t in settings.MEDIADMIN_DOCUMENT_TYPES)},
        )
    extension = DOCUMENT_TYPES[content_type]
    filetypes.check_name(value.name, filetypes.family_of_document(extension))
    limits = settings.MEDIADMIN_DOCUMENT_MAX_BYTES_BY_TYPE
    _check_size(value, limits.get(extension, settings.MEDIADMIN_MAX_DOCUMENT_BYTES))


def _refuse_misnamed_image(value):
    """An image whose name claims a document (`report.pdf`): refused naming both types."""
    if filetypes.claimed_family(value.name) in (None, filetypes.IMAGE):
        return
    try:
        info = imaging.probe(value)
    except Exception:  # not an image either: the generic refusal follows
        return
    finally:
        value.seek(0)
    filetypes.check_name(value.name, filetypes.IMAGE, _("a %(format)s image") % {"format": info.format})
