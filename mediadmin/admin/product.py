"""The product admin: changelist with thumbnails and counts, form with gallery and documents."""
from functools import partial

from django.contrib import admin, messages
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import alt_text, archive, permissions, selectors, services, upload_kinds
from ..models import ProductDocument, ProductImage
from ..services import recovery
from . import version_views, views
from .audit_views import storage_audit
from .filters import HasDocumentsFilter, HasImageFilter, MissingAltTextFilter
from .inlines import ProductDocumentInline, ProductImageInline
from .mixins import (
    ImagePreviewAdminMixin,
    StorageErrorAdminMixin,
    ThumbnailColumnsMixin,
    thumbnail_column,
    versions_column,
)
from .recovery import RecoverableAdmin

# How the inlines' rows are saved: through their services, with the user (uploader, history).
INLINE_SAVES = {
    ProductImage: lambda obj, user: services.gallery_image_save(image=obj, user=user),
    ProductDocument: lambda obj, user: services.document_save(document=obj, user=user),
}


class ProductAdmin(ThumbnailColumnsMixin, StorageErrorAdminMixin, ImagePreviewAdminMixin,
                   RecoverableAdmin):
    """Products, their main image, gallery and documents; deletions are recoverable (RecoverableAdmin)."""

    image_thumbnail = thumbnail_column("image", "admin_list", _("Image"))

    list_display = ("image_thumbnail", "name", "sku", "image_count", "document_count", "created")
    list_display_links = ("image_thumbnail", "name")
    search_fields = ("name", "sku")
    list_filter = (HasImageFilter, HasDocumentsFilter, MissingAltTextFilter, "created")
    date_hierarchy = "created"
    list_per_page = 50
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "sku", "description")}),
        (_("Files"), {"fields": ("image", ("image_focal_x", "image_focal_y"), "image_alt_text", "image_decorative",
                                 "image_versions", "document", "document_versions")}),
    )
    readonly_fields = ("image_versions", "document_versions")
    image_versions = versions_column("image", _("Previous main images"))
    document_versions = versions_column("document", _("Previous documents"))
    inlines = (ProductImageInline, ProductDocumentInline)
    actions = ("regenerate_thumbnails", "download_files")
    image_preview_size = "admin_preview"
    # Ours, not reversion's: it links the bulk page, the audit and the recover list by permission.
    change_list_template = "admin/mediadmin/product/change_list.html"
    # Reversion's form history plus the product's file events.
    object_history_template = "admin/mediadmin/product/object_history.html"

    class Media:
        css = {"all": ["mediadmin/css/admin.css", "mediadmin/css/bulk-upload.css"]}
        js = ["mediadmin/js/image-preview.js", "mediadmin/js/bulk-upload.js", "mediadmin/js/inline-rows.js"]

    def get_urls(self):
        """Storage audit, bulk upload page and upload endpoints, ahead of the admin's catch-all URLs.

        Every extra view is wired one way (views.admin_url): admin_view() around a view taking
        (request, model_admin, **URL kwargs), named admin:mediadmin_product_<action>.
        """
        url = partial(views.admin_url, self)
        return [
            url("audit/", storage_audit, "audit"),
            url("bulk-upload/", views.bulk_upload_page, "bulk_upload"),
            url("bulk-upload/file/", views.bulk_upload_file, "bulk_upload_file", answers_js=True),
            url("bulk-upload/match/", views.bulk_match, "bulk_match", answers_js=True),
            url("<path:object_id>/upload/<str:kind>/", views.upload_to_product, "upload", answers_js=True),
            url("versions/<str:version_id>/restore/", version_views.restore_version, "version_restore"),
            url("versions/<str:version_id>/thumbnail/", version_views.version_thumbnail, "version_thumbnail"),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        """The add page has no previous versions to list."""
        if obj is not None:
            return super().get_fieldsets(request, obj)
        return [(name, {**opts, "fields": [f for f in opts["fields"] if not str(f).endswith("_versions")]})
                for name, opts in super().get_fieldsets(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        """The product's own document is read-only without the document permissions."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if permissions.may_set_product_document(request.user) else (*fields, "document")

    def changelist_view(self, request, extra_context=None):
        """The changelist, told which tool links (bulk upload, storage audit) this user may follow."""
        extra_context = {"may_add_files": permissions.may_add_any_files(request.user),
                         "may_audit": permissions.may_audit(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        """Annotate the image and document counts shown in the changelist."""
        return selectors.products_with_counts(super().get_queryset(request))

    @admin.display(description=_("Images"), ordering="image_count")
    def image_count(self, obj):
        """Number of gallery images."""
        return obj.image_count

    @admin.display(description=_("Documents"), ordering="document_count")
    def document_count(self, obj):
        """Number of documents."""
        return obj.document_count

    def history_view(self, request, object_id, extra_context=None):
        """The form changes (reversion) and, beside them, the product's file events."""
        extra_context = {"file_events": selectors.product_file_events(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Save through the service, which schedules thumbnails after commit and records the files."""
        services.product_save(product=obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        """Save the inlines, then warn when an image of the product still lacks alt text."""
        super().save_related(request, form, formsets, change)
        message = alt_text.warning(form.instance)
        if message:
            self.message_user(request, message, messages.WARNING)

    def response_change(self, request, obj):
        """After a save, "Use as main image" (a gallery row's button) makes that image the main one."""
        if upload_kinds.MAIN_IMAGE_PARAM not in request.POST:
            return super().response_change(request, obj)
        image = selectors.gallery_image_of(obj, request.POST[upload_kinds.MAIN_IMAGE_PARAM])
        if image is None:
            self.message_user(request, _("That gallery image is gone; the main image is unchanged."),
                              messages.WARNING)
        else:
            services.gallery_image_make_main(image=image)
            self.message_user(request, _("Saved; %(image)s is now the main image.") % {"image": image},
                              messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def save_formset(self, request, form, formset, change):
        """Save inline rows through their services; deleted rows go recoverably (files to the trash)."""
        save = INLINE_SAVES.get(formset.model)
        if save is None:
            return super().save_formset(request, form, formset, change)
        for obj in formset.save(commit=False):
            save(obj, request.user)
        recovery.delete_recoverably(formset.deleted_objects, user=request.user)
        formset.save_m2m()

    @admin.action(description=_("Regenerate thumbnails of the selected products"),
                  permissions=["change"])
    def regenerate_thumbnails(self, request, queryset):
        """Drop and remake the cached thumbnails of the selected products (queued when a worker runs)."""
        outcome = services.products_regenerate_thumbnails(products=queryset, user=request.user)
        if outcome.made:
            self.message_user(request, ngettext(
                "Regenerated the thumbnails of %(count)d image.",
                "Regenerated the thumbnails of %(count)d images.", outcome.made) % {"count": outcome.made},
                messages.SUCCESS)
        if outcome.queued:
            self.message_user(request, ngettext(
                "Queued the thumbnails of %(count)d image; the task worker makes them shortly.",
                "Queued the thumbnails of %(count)d images; the task worker makes them shortly.",
                outcome.queued) % {"count": outcome.queued}, messages.SUCCESS)
        if outcome.failed:
            self.message_user(request, ngettext(
                "The thumbnails of %(count)d image could not be made (missing or unreadable source, or the "
                "task queue is down); the log names it.",
                "The thumbnails of %(count)d images could not be made (missing or unreadable sources, or the "
                "task queue is down); the log names them.", outcome.failed) % {"count": outcome.failed},
                messages.WARNING)

    def has_add_permission(self, request):
        """The add page (permissions.may_add_product)."""
        return permissions.may_add_product(request.user)

    def has_change_permission(self, request, obj=None):
        """The change page and the regenerate action (permissions.may_change_product)."""
        return permissions.may_change_product(request.user, obj)

    def has_download_files_permission(self, request):
        """The zip action's permission (permissions.may_view_product_files)."""
        return permissions.may_view_product_files(request.user)

    @admin.action(description=_("Download the selected products' files as a zip"),
                  permissions=["download_files"])
    def download_files(self, request, queryset):
        """Stream one zip of the products' files this user may download, built while it is sent."""
        entries = archive.product_entries(
            queryset, include_document=partial(permissions.may_download_document, request.user))
        response = StreamingHttpResponse(archive.stream_zip(entries), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{archive.archive_filename()}"'
        return response
