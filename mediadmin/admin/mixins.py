"""Reusable admin pieces that give a plain models.ImageField its thumbnails."""
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .. import audit, thumbnails
from ..fields import StorageWriteError
from ..widgets import ImagePreviewWidget


class ImagePreviewAdminMixin:
    """Use ImagePreviewWidget for every models.ImageField of a ModelAdmin or inline.

    `image_preview_size` names the thumbnail size (MEDIADMIN_THUMBNAIL_SIZES);
    `image_preview_sizes` overrides it per field name.
    """

    image_preview_size = "admin_inline"
    image_preview_sizes = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Give ImageFields the preview widget."""
        if isinstance(db_field, models.ImageField):
            size = self.image_preview_sizes.get(db_field.name, self.image_preview_size)
            kwargs["widget"] = ImagePreviewWidget(size_name=size)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class StorageErrorAdminMixin:
    """Show a storage failure (disk full, read-only, S3 error) as a message, not a 500.

    The transaction has rolled back, so no row was written, and the files stored
    before the failure are deleted at the end of the request (filesafety).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Run the normal change form; turn StorageWriteError into an error message."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StorageWriteError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def render_thumbnail(field_file, size_name="admin_list", alt=""):
    """HTML of a thumbnail <img> (or the placeholder) from a template."""
    return render_to_string("mediadmin/admin/thumbnail.html", {
        "url": thumbnails.thumbnail_url(field_file, size_name),
        "size_name": size_name,
        "alt": alt,
    })


def thumbnail_column(field_name, size_name="admin_list", description=_("Image")):
    """A ModelAdmin method for list_display / readonly_fields showing an ImageField's thumbnail.

    Assign it as a class attribute: ``image_thumbnail = thumbnail_column("image")``.
    """

    @admin.display(description=description)
    def column(model_admin, obj):
        return render_thumbnail(getattr(obj, field_name), size_name, alt=str(obj))

    column.__name__ = f"{field_name}_thumbnail"
    return column


def where_used_column(field_name, description=_("Used by")):
    """A readonly_fields method listing every row, of any model, that references the same file.

    Assign it as a class attribute: ``used_by = where_used_column("image")``.
    """

    @admin.display(description=description)
    def column(model_admin, obj):
        field_file = getattr(obj, field_name)
        if not obj.pk or not field_file:
            return "—"
        return render_to_string("mediadmin/admin/where_used.html", {
            "refs": audit.where_used(field_file.storage, field_file.name),
            "self_key": f"{obj._meta.label}#{obj.pk}",
        })

    column.__name__ = f"{field_name}_where_used"
    return column
