"""Inlines of the product change form: gallery and documents."""
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .. import permissions, upload_kinds
from ..models import ProductDocument, ProductImage
from .forms import GalleryFormSet, GalleryRowForm, LabelledRowFormSet
from .mixins import ImagePreviewAdminMixin


class UploadKindInlineMixin:
    """New rows (and the drop zone) follow permissions.may_add_files for the inline's upload kind."""

    upload_kind = None
    formset = LabelledRowFormSet  # inputs named for screen readers (a table heading is not a label)

    def has_add_permission(self, request, obj=None):
        """May the user add files of this kind (the same rule as the upload endpoints)."""
        return permissions.may_add_files(request.user, self.upload_kind)

    def render_row(self, request, model_admin, obj):
        """Django's own tabular markup of one stored row, for bulk-upload.js to insert in the open form.

        The inline is rendered for a formset holding `obj` alone: the script keeps its one row,
        renumbers it and counts it in the management form, so the row is the very markup (inputs,
        hidden id, delete box) a reload would show, and Save saves its edits.
        """
        product = obj.product
        formset = self.get_formset(request, product)(
            instance=product, queryset=self.model._default_manager.filter(pk=obj.pk))
        (admin_formset,) = model_admin.get_inline_formsets(request, [formset], [self], product)
        return render_to_string("admin/edit_inline/tabular.html",
                                {"inline_admin_formset": admin_formset}, request=request)


class ProductImageInline(UploadKindInlineMixin, ImagePreviewAdminMixin, admin.TabularInline):
    """Gallery rows: thumbnail and preview in the widget, alt text, editable order."""

    model = ProductImage
    form = GalleryRowForm  # the position input with drag handle, move up/down, "Use as main image"
    formset = GalleryFormSet  # new rows start after the last position
    upload_kind = upload_kinds.IMAGES
    fields = upload_kinds.KINDS[upload_kinds.IMAGES].inline_fields
    readonly_fields = ("dimensions",)
    show_change_link = True  # the row's own page lists its previous versions, with Restore
    extra = 1
    ordering = ("position", "id")
    classes = ("mediadmin-gallery",)
    template = "admin/mediadmin/product/edit_inline/tabular_upload.html"  # adds the drop zone

    @admin.display(description=_("Size (px)"))
    def dimensions(self, obj):
        """Width × height read from the stored file."""
        return f"{obj.width} × {obj.height}" if obj.width and obj.height else "—"


class ProductDocumentInline(UploadKindInlineMixin, admin.TabularInline):
    """Document rows: name, size, type and a download link, all computed by the server."""

    model = ProductDocument
    upload_kind = upload_kinds.DOCUMENTS
    fields = upload_kinds.KINDS[upload_kinds.DOCUMENTS].inline_fields
    readonly_fields = ("download", "size_display", "content_type")
    show_change_link = True  # the row's own page lists its previous versions, with Restore
    extra = 1
    classes = ("mediadmin-documents",)
    template = "admin/mediadmin/product/edit_inline/tabular_upload.html"  # adds the drop zone

    @admin.display(description=_("Download"))
    def download(self, obj):
        """A link to the stored file, labelled with its original name."""
        if not obj.pk or not obj.file:
            return "—"
        return render_to_string("mediadmin/admin/download_link.html", {"document": obj})

    @admin.display(description=_("Size"), ordering="size")
    def size_display(self, obj):
        """Human-readable size."""
        return filesizeformat(obj.size) if obj.pk else "—"
