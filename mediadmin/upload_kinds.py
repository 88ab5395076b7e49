"""The upload kinds (documents, images): the one place naming what Python, templates and JS share.

Each kind's name is at once the upload URL's kind argument, the permission kind, the inline's
formset prefix and the key of its size limit. The inlines take their fields from here, the
upload view its request parameters, the presenters the keys of a new row's JSON, and the templates
render all of it as data-* attributes: bulk-upload.js reads nothing else (tests/test_upload_kinds.py).
The new row itself comes as the inline's own markup (inlines.UploadKindInlineMixin.render_row).
"""
from dataclasses import dataclass

from django.conf import settings

from .models import ProductDocument, ProductImage

DOCUMENTS = "documents"
IMAGES = "images"

# Request parameters of the one-file upload endpoints (views.py) and of bulk-upload.js.
FILE_PARAM = "file"
ALLOW_DUPLICATE_PARAM = "allow_duplicate"
VISIBILITY_PARAM = "visibility"
# The gallery position a drop zone asks for: the order the files were chosen in, not the order they finish.
POSITION_PARAM = "position"
# The change form's "Use as main image" submission (admin/product.py), naming a gallery image's id.
MAIN_IMAGE_PARAM = "_mediadmin_main_image"


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload is called where: model, fields, limit, URL, prefix, accept, row keys."""

    name: str  # URL kind argument, permission kind and size-limit key
    model: type
    file_field: str  # the model's FileField
    limit_setting: str  # name of the setting holding the byte limit of one file
    inline_fields: tuple  # the inline's columns, in order
    row_keys: tuple  # keys of presenters._row_json, the JSON answer's `row` (the inline's row markup is row_html)
    options: tuple = ()  # extra request parameters this kind's drop zone sends
    order_field: str = ""  # the rows' order field (drag, move up/down, positions by choice), if any

    @property
    def prefix(self) -> str:
        """The inline formset prefix: Django derives it from the model's related name, the kind."""
        return self.name

    @property
    def max_bytes(self) -> int:
        """The byte limit of one file of this kind (from settings)."""
        return getattr(settings, self.limit_setting)

    @property
    def accept(self) -> str:
        """The file input's `accept` list, from the settings naming the allowed types."""
        return image_accept() if self.name == IMAGES else document_accept()


def image_accept() -> str:
    """Content types of the allowed image formats (settings.MEDIADMIN_IMAGE_FORMATS), comma-separated."""
    from . import imaging  # imaging reads settings only; imported late to keep this module light
    return ",".join(imaging.content_type_of(f) for f in imaging.allowed_formats())


def document_accept() -> str:
    """Extensions of the allowed document types (settings.MEDIADMIN_DOCUMENT_TYPES), comma-separated."""
    return ",".join("." + ext.lower().lstrip(".") for ext in settings.MEDIADMIN_DOCUMENT_TYPES)


KINDS = {
    DOCUMENTS: UploadKind(
        name=DOCUMENTS, model=ProductDocument, file_field="file",
        limit_setting="MEDIADMIN_MAX_DOCUMENT_BYTES",
        inline_fields=("file", "title", "visibility", "download", "size_display", "content_type"),
        row_keys=("id", "kind", "title", "name", "size", "size_display", "content_type", "visibility",
                  "download_url", "change_url"),
        options=(VISIBILITY_PARAM,),
    ),
    IMAGES: UploadKind(
        name=IMAGES, model=ProductImage, file_field="image", limit_setting="MEDIADMIN_MAX_IMAGE_BYTES",
        inline_fields=("image", "alt_text", "decorative", "position", "dimensions", "focal_x", "focal_y"),
        row_keys=("id", "kind", "name", "size", "dimensions", "position", "alt_text", "decorative", "focal_x",
                  "focal_y", "thumbnail_url",
                  "change_url"),
        order_field="position",
    ),
}
NAMES = tuple(sorted(KINDS))


def get(name):
    """The UploadKind of a name (URL argument or prefix), or None."""
    return KINDS.get(name)
