"""Admins for gallery images and documents on their own (search, filters, where they belong)."""
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from .. import alt_text, services
from .filters import GalleryMissingAltTextFilter
from .inlines import ProductDocumentInline
from .mixins import (
    ImagePreviewAdminMixin,
    StorageErrorAdminMixin,
    ThumbnailColumnsMixin,
    thumbnail_column,
    versions_column,
    where_used_column,
)
from .recovery import RecoverableAdmin


class ProductImageAdmin(ThumbnailColumnsMixin, StorageErrorAdminMixin, ImagePreviewAdminMixin,
                        RecoverableAdmin):
    """Gallery images across all products; deletions are recoverable (RecoverableAdmin)."""

    image_thumbnail = thumbnail_column("image", "admin_list", _("Image"))
    list_display = ("image_thumbnail", "__str__", "product", "position", "width", "height", "uploaded_by",
                    "uploaded_at")
    list_select_related = ("product", "uploaded_by")
    list_filter = (GalleryMissingAltTextFilter,)
    search_fields = ("alt_text", "image", "product__name", "product__sku")
    autocomplete_fields = ("product",)
    readonly_fields = ("width", "height", "uploaded_by", "uploaded_at", "used_by", "versions")
    image_preview_size = "admin_preview"
    used_by = where_used_column("image")
    versions = versions_column("image")

    class Media:
        css = {"all": ["mediadmin/css/admin.css"]}

    def save_model(self, request, obj, form, change):
        """Save through the service (thumbnails after commit, uploader, history line), then warn when
        the image has neither alt text nor the decorative mark."""
        services.gallery_image_save(image=obj, user=request.user)
        message = alt_text.gallery_warning(obj)
        if message:
            self.message_user(request, message, messages.WARNING)


class ProductDocumentAdmin(StorageErrorAdminMixin, RecoverableAdmin):
    """Documents across all products, with their server-computed metadata; deletions are recoverable."""

    list_display = ("__str__", "product", "visibility", "content_type", "size_display", "uploaded_by", "uploaded_at")
    list_select_related = ("product", "uploaded_by")
    list_filter = ("visibility", "content_type", "uploaded_at")
    search_fields = ("title", "original_name", "sha256", "product__name", "product__sku")
    autocomplete_fields = ("product",)
    fields = ("product", "title", "file", "visibility", "download", "original_name", "size_display",
              "content_type", "sha256", "uploaded_by", "uploaded_at", "used_by", "versions")
    readonly_fields = ("download", "original_name", "size_display", "content_type", "sha256",
                       "uploaded_by", "uploaded_at", "used_by", "versions")
    download = ProductDocumentInline.download
    size_display = ProductDocumentInline.size_display
    used_by = where_used_column("file")
    versions = versions_column("file")

    class Media:
        css = {"all": ["mediadmin/css/admin.css"]}

    def save_model(self, request, obj, form, change):
        """Save through the service so size, type and checksum come from the file."""
        services.document_save(document=obj, user=request.user)
