"""What a file's name claims to be, against what its bytes are: one rule for every upload path.

A name whose extension belongs to a known family (images, PDF, Word, Excel, PowerPoint,
OpenDocument, plain text) must match the family detected from the bytes: text named `.jpg`, an
image named `.pdf` or a PDF named `.docx` is refused, naming both. Within images the format may
differ (a PNG named `.jpg` is common and harmless): it is stored under its detected extension.
Names with an unknown or no extension (`.bat`, `.js`, `PRN`) claim nothing; the file is judged
by its bytes alone and stored, and downloaded, under the detected type's extension.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import filenames

IMAGE = "image"
TEXT = "text"

_FAMILIES = {
    **dict.fromkeys(("jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "webp", "bmp", "tif", "tiff",
                     "heic", "heif", "avif", "mpo", "ico", "svg"), IMAGE),
    "pdf": "pdf",
    **dict.fromkeys(("docx", "docm", "doc", "dotx", "dotm"), "docx"),
    **dict.fromkeys(("xlsx", "xlsm", "xls", "xltx", "xltm"), "xlsx"),
    **dict.fromkeys(("pptx", "pptm", "ppt", "potx", "potm"), "pptx"),
    **dict.fromkeys(("odt", "ott"), "odt"),
    **dict.fromkeys(("txt", "text", "csv", "tsv"), TEXT),
}
# Detected document extension -> family.
_DETECTED = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "odt": "odt",
             "txt": TEXT, "csv": TEXT}

LABELS = {
    IMAGE: _("an image"),
    "pdf": _("a PDF document"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "pptx": _("a PowerPoint presentation"),
    "odt": _("an OpenDocument text"),
    TEXT: _("plain text"),
}


def claimed_family(name):
    """The family the name's extension claims, or None when it claims nothing known."""
    base = filenames.display_name(name)
    if "." not in base.lstrip("."):
        return None
    return _FAMILIES.get(base.rsplit(".", 1)[-1].lower())


def family_of_document(extension):
    """The family of a detected document extension ("pdf", "docx", ..., "text")."""
    return _DETECTED.get(extension, extension)


def check_name(name, detected_family, detected_label=None):
    """Refuse a file whose name claims another family than its bytes; detected_label overrides the wording."""
    claimed = claimed_family(name)
    if claimed is None or claimed == detected_family:
        return
    raise ValidationError(
        _("%(name)s is named as %(claimed)s but contains %(actual)s."),
        code="name_mismatch",
        params={"name": filenames.display_name(name), "claimed": LABELS[claimed],
                "actual": detected_label or LABELS.get(detected_family, detected_family)},
    )
