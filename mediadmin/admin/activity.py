"""The site-wide "Recent file activity" page: FileEvent, read only, filtered by user, action and date."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import permissions


class FileEventAdmin(admin.ModelAdmin):
    """Every file operation on record; nobody adds, edits or deletes lines here."""

    list_display = ("time", "action", "user", "product_display", "original_name", "stored_name", "detail")
    list_select_related = ("user", "product")
    list_filter = ("action", "user", "time")
    date_hierarchy = "time"
    search_fields = ("original_name", "stored_name", "product_label", "trash_batch")
    list_per_page = 100

    @admin.display(description=_("Product"), ordering="product_label")
    def product_display(self, obj):
        """The product's name, kept when the product is deleted."""
        return obj.product or obj.product_label or "—"

    def has_view_permission(self, request, obj=None):
        """The page (permissions.may_view_activity)."""
        return permissions.may_view_activity(request.user)

    def has_module_permission(self, request):
        """Listed on the admin index for users who may see it."""
        return permissions.may_view_activity(request.user)

    def has_add_permission(self, request):
        """Lines are written by the services only."""
        return False

    def has_change_permission(self, request, obj=None):
        """History is not edited."""
        return False

    def has_delete_permission(self, request, obj=None):
        """History is not deleted."""
        return False
