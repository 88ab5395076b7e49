"""Reusable admin pieces that give a plain models.ImageField its thumbnails."""
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten, flatten_fieldsets
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .. import audit, permissions, selectors, thumbnails, uploadlog
from ..fields import StorageWriteError
from ..widgets import FOCAL_SIZE, ImagePreviewWidget

# Django admin hooks used here and why. Documented hooks wherever one exists: get_form and
# InlineModelAdmin.get_formset (the preview widget), add_view and change_view (storage errors),
# get_changelist (the thumbnail-prefetching ChangeList). Two undocumented internals remain, each
# because no documented hook sees the objects a page is about to show:
# - ModelAdmin.get_inline_formsets: the one place holding the inline formsets' stored rows before
#   they render (get_formset_kwargs only passes a queryset, which the formset filters again into
#   new instances, so thumbnails prefetched there would be lost);
# - ChangeList.get_results: the one place where the changelist's page of rows is known.
# A Django upgrade that changes either fails the query-count tests of those pages (tests/test_thumbnails.py).


class ImagePreviewAdminMixin:
    """Use ImagePreviewWidget for every models.ImageField of a ModelAdmin or inline.

    `image_preview_size` names the thumbnail size (MEDIADMIN_THUMBNAIL_SIZES);
    `image_preview_sizes` overrides it per field name.
    """

    image_preview_size = "admin_inline"
    image_preview_sizes = {}

    def get_form(self, request, obj=None, **kwargs):
        """A ModelAdmin's form, its ImageFields with the preview widget."""
        return super().get_form(request, obj, **self._with_preview_widgets(kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        """An inline's formset, its ImageFields with the preview widget."""
        return super().get_formset(request, obj, **self._with_preview_widgets(kwargs))

    def _with_preview_widgets(self, kwargs):
        previews = {field.name: ImagePreviewWidget(size_name=self.preview_size(field.name), field_name=field.name,
                                                   focal_fields=self.focal_fields_of(field))
                    for field in self.model._meta.concrete_fields if isinstance(field, models.ImageField)}
        # The form's own Meta.widgets stay (a factory's `widgets` replaces them, it does not add).
        form_meta = getattr(kwargs.get("form", self.form), "Meta", None)
        own = getattr(form_meta, "widgets", None) or {}
        return {**kwargs, "widgets": {**own, **previews, **(kwargs.get("widgets") or {})}}

    def focal_fields_of(self, field):
        """The focal point fields a click on the preview sets, when this page shows them (else None)."""
        focal = getattr(field, "focal_fields", None)
        shown = focal and all(name in self._shown_fields() for name in focal)
        return focal if shown else None

    def _shown_fields(self):
        if getattr(self, "fieldsets", None):
            return set(flatten_fieldsets(self.fieldsets))
        if getattr(self, "fields", None):
            return set(flatten(self.fields))
        return {field.name for field in self.model._meta.concrete_fields}

    def preview_size(self, field_name):
        """The named thumbnail size of an image field's preview."""
        return self.image_preview_sizes.get(field_name, self.image_preview_size)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """Load the stored rows' preview thumbnails with one query per inline, not one per row."""
        for inline, formset in zip(inline_instances, formsets, strict=True):
            if not isinstance(inline, ImagePreviewAdminMixin):
                continue
            for field in formset.model._meta.concrete_fields:
                if isinstance(field, models.ImageField):
                    files = [getattr(form.instance, field.name) for form in formset.initial_forms]
                    sizes = [inline.preview_size(field.name)]
                    if inline.focal_fields_of(field):
                        sizes.append(FOCAL_SIZE)  # the uncropped picture a focal point is picked on
                    thumbnails.prefetch(files, sizes)
        return super().get_inline_formsets(request, formsets, inline_instances, obj)


class StorageErrorAdminMixin:
    """Show a storage failure (disk full, read-only, S3 error) as a message, not a 500.

    So does a ValidationError raised while saving (a file field's pre_save refusing a file the
    form let through). The add and change views run in a transaction that has rolled back by
    then, so no row was written, and the files stored before the failure are deleted at the
    end of the request (filesafety).
    """

    def add_view(self, request, form_url="", extra_context=None):
        """The normal add page; a storage failure while saving becomes an error message."""
        return self._storage_errors_as_messages(request, super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The normal change page; a storage failure while saving becomes an error message."""
        return self._storage_errors_as_messages(
            request, super().change_view, request, object_id, form_url, extra_context)

    def _storage_errors_as_messages(self, request, view, *args):
        try:
            return view(*args)
        except StorageWriteError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, " ".join(str(m) for m in exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def _render(thumb, size_name, alt):
    return render_to_string("mediadmin/admin/thumbnail.html", {
        "url": thumb.url if thumb else thumbnails.placeholder_url(),
        "size_name": size_name,
        "alt": alt,
    })


def thumbnail_column(field_name, size_name="admin_list", description=_("Image")):
    """A ModelAdmin method for list_display / readonly_fields showing an ImageField's thumbnail.

    Assign it as a class attribute: ``image_thumbnail = thumbnail_column("image")``.
    """

    @admin.display(description=description)
    def column(model_admin, obj):
        return _render(thumbnails.thumbnail_of(obj, field_name, size_name), size_name, str(obj))

    column.__name__ = f"{field_name}_thumbnail"
    # Read by ThumbnailChangeList to load the page's thumbnails with one query.
    column.thumbnail_field, column.thumbnail_size = field_name, size_name
    return column


class ThumbnailChangeList(ChangeList):
    """A ChangeList that loads the key-value entries of its thumbnail columns in one query."""

    def get_results(self, request):
        """Fetch the page's rows, then the sorl entries of every thumbnail on it at once."""
        super().get_results(request)
        thumbnails.prefetch_objects(self.result_list, self.thumbnail_columns())

    def thumbnail_columns(self):
        """(field name, size name) of each thumbnail_column() in list_display."""
        columns = []
        for name in self.list_display:
            column = getattr(self.model_admin, name, None) if isinstance(name, str) else name
            if hasattr(column, "thumbnail_field"):
                columns.append((column.thumbnail_field, column.thumbnail_size))
        return columns


class ThumbnailColumnsMixin:
    """For a ModelAdmin with thumbnail_column()s: as many queries for 100 rows as for 10."""

    def get_changelist(self, request, **kwargs):
        """Use the ChangeList that prefetches thumbnails."""
        return ThumbnailChangeList


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


def versions_column(field_name, description=_("Previous versions")):
    """A readonly_fields method listing a file field's kept versions, each with a "Restore" link.

    Assign it as a class attribute: ``image_versions = versions_column("image")``. The link
    leads to a confirmation page (the restore itself is a POST); it is shown only to users
    permissions.may_restore_version allows (the user of the request being rendered).
    """

    @admin.display(description=description)
    def column(model_admin, obj):
        versions = list(selectors.versions_of(obj, field_name))
        user = uploadlog.current_user()
        return render_to_string("mediadmin/admin/versions.html", {
            "versions": versions,
            "may_restore": bool(versions) and permissions.may_restore_version(user, versions[0]),
        })

    column.__name__ = f"{field_name}_versions"
    return column
