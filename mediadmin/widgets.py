"""Admin widgets: a file input with the current thumbnail and a preview before saving."""
from django.contrib.admin.widgets import AdminFileWidget, AdminIntegerFieldWidget

from . import thumbnails, upload_kinds

# The uncropped size a focal point is picked on when the preview itself is a square crop.
FOCAL_SIZE = "admin_preview"


class ImagePreviewWidget(AdminFileWidget):
    """Clearable file input showing the stored image's thumbnail and a client-side preview."""

    template_name = "mediadmin/widgets/image_preview.html"

    def __init__(self, attrs=None, size_name="admin_inline", field_name=None, focal_fields=None):
        """`focal_fields`: the (x, y) fields a click on the preview fills (fields.SafeImageField)."""
        self.size_name = size_name
        self.field_name = field_name
        self.focal_fields = focal_fields
        attrs = {"accept": upload_kinds.image_accept(), "data-mediadmin-preview": size_name, **(attrs or {})}
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        """Add the thumbnail URL of the stored image and the size name to the context."""
        context = super().get_context(name, value, attrs)
        # A stored FieldFile only: `.url` of an empty one raises ValueError (product without image).
        stored = value if value and hasattr(value, "storage") and getattr(value, "_committed", True) else None
        context["widget"].update(
            focal=(dict(zip(("field", "x", "y"), (self.field_name, *self.focal_fields), strict=True))
                   if self.focal_fields else None),
            size_name=self.size_name,
            thumbnail_url=thumbnails.thumbnail_url(stored, self.size_name) if stored else None,
            focal_url=self._uncropped_url(stored) if self.focal_fields and stored else None,
        )
        return context

    def _uncropped_url(self, stored):
        # A click maps to the source only on an uncropped picture: the preview size itself, or
        # (for the gallery's small square crops) FOCAL_SIZE when already made; never made here.
        if not thumbnails.size_spec(self.size_name)[1].get("crop"):
            return thumbnails.thumbnail_url(stored, self.size_name)
        made = thumbnails.known(stored, FOCAL_SIZE)
        return made.url if made else None

    class Media:
        css = {"all": ["mediadmin/css/admin.css"]}
        js = ["mediadmin/js/image-preview.js", "mediadmin/js/focal-point.js"]


class GalleryOrderWidget(AdminIntegerFieldWidget):
    """A gallery row's position, with a drag handle, move up/down and "Use as main image" (inline-rows.js).

    The tools show on stored rows only; `row_name` and `object_id` are set per row by the form.
    """

    template_name = "mediadmin/widgets/gallery_order.html"
    row_name = ""
    object_id = None

    def get_context(self, name, value, attrs):
        """Add the row's name (for the buttons' labels), its id and the "main image" parameter."""
        context = super().get_context(name, value, attrs)
        context["widget"].update(row_name=self.row_name, object_id=self.object_id,
                                 main_param=upload_kinds.MAIN_IMAGE_PARAM)
        return context
