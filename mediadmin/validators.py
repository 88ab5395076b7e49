"""Validation of uploaded files by content, size and pixel count, never by name."""
import logging
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from . import filenames, imaging
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
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
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


def inspect_image(fileobj):
    """Return ImageInfo for an allowed, bounded, fully decodable image or raise ValidationError.

    The result is remembered on the uploaded file, so the form, the model
    validator and the field's pre_save decode it once.
    """
    underlying = getattr(fileobj, "file", None) or fileobj
    cached = getattr(underlying, "_mediadmin_image_info", None)
    if cached is not None:
        return cached
    info = _inspect_image(fileobj)
    try:
        underlying._mediadmin_image_info = info
    except AttributeError:  # some file objects take no attributes
        pass
    return info


def _inspect_image(fileobj):
    name = _display_name(fileobj)
    try:
        # No warnings.catch_warnings() here: it swaps the process-wide filters and is not
        # thread-safe. The pixel budget below refuses bombs from the header, before any
        # decode; Pillow itself raises DecompressionBombError past twice its own limit.
        info = imaging.probe(fileobj)
        if info.frames > settings.MEDIADMIN_MAX_IMAGE_FRAMES:
            raise ValidationError(
                _("%(name)s has %(frames)d frames; the limit is %(limit)d."),
                code="too_many_frames",
                params={"name": name, "frames": info.frames,
                        "limit": settings.MEDIADMIN_MAX_IMAGE_FRAMES},
            )
        if info.pixels > settings.MEDIADMIN_MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("%(name)s has %(mp).1f megapixels; the limit is %(limit).0f."),
                code="too_many_pixels",
                params={"name": name, "mp": info.pixels / 1e6,
                        "limit": settings.MEDIADMIN_MAX_IMAGE_PIXELS / 1e6},
            )
        imaging.decode_fully(fileobj)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("%(name)s is too large to decode safely."),
                              code="too_many_pixels", params={"name": name})
    except UnidentifiedImageError:
        raise ValidationError(
            _("%(name)s is not an image in an allowed format (%(formats)s)."),
            code="invalid_image",
            params={"name": name, "formats": ", ".join(imaging.allowed_formats())},
        )
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        logger.info("Refused corrupt image %r: %s", name, exc)
        raise ValidationError(_("%(name)s is truncated or corrupt."),
                              code="corrupt_image", params={"name": name})
    finally:
        fileobj.seek(0)
    return info


@logs_refusals
def validate_image_file(value):
    """Model-field validator: an allowed image format, within byte and pixel limits."""
    if not value or not _needs_check(value):
        return
    _check_size(value, settings.MEDIADMIN_MAX_IMAGE_BYTES)
    inspect_image(value)


def _zip_entries_are_safe(archive):
    """Entry count, total size, compression ratio and entry names within the limits."""
    limits = settings.MEDIADMIN_ZIP_LIMITS
    entries = archive.infolist()
    if len(entries) > limits["max_entries"]:
        return False
    total = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if total > limits["max_total_bytes"] or total / packed > limits["max_ratio"]:
        return False
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or (len(name) > 1 and name[1] == ":"):
            return False
    return True


def _sniff_zip(fileobj):
    """Office type of a zip (OOXML or ODT) read from its directory, never extracted."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            if not _zip_entries_are_safe(archive):
                return None
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    kind = member.read(100).strip()
                return "odt" if kind == b"application/vnd.oasis.opendocument.text" else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, ext in _OOXML_PARTS.items():
        if any(n.startswith(prefix) for n in names):
            return ext
    return None


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
    """Return the content type of a document recognised by its bytes, or None."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    ext = None
    if head.startswith(b"%PDF-"):
        ext = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        ext = _sniff_zip(fileobj)
        fileobj.seek(0)
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
        raise ValidationError(
            _("%(name)s is not an allowed document (%(types)s), judged by its content."),
            code="invalid_document",
            params={"name": _display_name(value),
                    "types": ", ".join(t.upper() for t in settings.MEDIADMIN_DOCUMENT_TYPES)},
        )
    limits = settings.MEDIADMIN_DOCUMENT_MAX_BYTES_BY_TYPE
    _check_size(value, limits.get(DOCUMENT_TYPES[content_type], settings.MEDIADMIN_MAX_DOCUMENT_BYTES))
