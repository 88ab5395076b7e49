"""Recoverable deletion in the admin: django-reversion's VersionAdmin views, deletes through the service.

The delete page, "Delete selected" and (for products) the inlines' delete boxes call
services.recovery.delete_recoverably(); the "Recover deleted …" list is reversion's, its GET
preview too, and confirming a recovery (POST) calls services.recovery.recover(), which also
brings the files back from the trash. Who may: permissions.may_recover.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import permissions
from ..services import recovery


class RecoverableAdmin(VersionAdmin):
    """A VersionAdmin whose deletions keep the files (in the trash) and whose recoveries bring them back."""

    def delete_model(self, request, obj):
        """The delete page: a version is kept and the files go to the trash."""
        recovery.delete_recoverably([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        """"Delete selected": each row like the delete page (one trash batch per row)."""
        recovery.delete_recoverably(queryset, user=request.user)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes, plus the files, which go to the trash (recoverable)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        files = recovery.files_deleted_with(objs)
        if files:
            title = ngettext(
                "%(count)d file, moved to the trash: recoverable for %(days)s days from “Recover deleted”",
                "%(count)d files, moved to the trash: recoverable for %(days)s days from “Recover deleted”",
                len(files)) % {"count": len(files), "days": recovery.retention_days()}
            deleted = [*deleted, title, files]
        return deleted, model_count, perms_needed, protected

    def has_recover_permission(self, request):
        """The recover list and pages (permissions.may_recover)."""
        return permissions.may_recover(request.user, self.model)

    def changelist_view(self, request, extra_context=None):
        """The changelist, told whether to link the recover list."""
        extra_context = {"may_recover": self.has_recover_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        """Reversion's list of deleted rows, for users who may recover."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """GET: reversion's preview of an earlier version. POST: refused, the rows and files would part.

        Reversion's revert writes the old file names back and deletes the rows added since
        without the trash, so their files would be lost; it stays a preview until files follow.
        """
        if request.method == "POST":
            self.message_user(request, _("Reverting to an earlier version is not offered: it would not bring "
                                         "back the files of that version. The preview shows what it held."),
                              messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """GET: reversion's preview of the row. POST: recover rows, files and thumbnails (the service)."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return super().recover_view(request, version_id, extra_context)
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        opts = self.model._meta
        try:
            outcome = recovery.recover(version=version, user=request.user)
        except recovery.RecoveryRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist"))
        self.message_user(request, _("Recovered “%(name)s” with %(count)d files from the trash.") % {
            "name": version.object_repr, "count": len(outcome.restored)}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                            args=[version.object_id]))
