"""Admin views of the storage audit: the report page, quarantine, restore and purge.

Reads come from mediadmin.audit, moves from mediadmin.services.trash. A storage that refuses
or cannot be reached (StorageUnavailable, already logged) is an error on the page, never a 500.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .. import audit, permissions
from ..filetypes import IMAGE, claimed_family
from ..services import trash as trash_service

SHOWN = 500  # rows per list on the page; the command lists everything
# The storages in staff words; other aliases (a site's own) are shown as they are named.
STORAGE_TITLES = {"default": _("Images"), "private": _("Documents")}


def _alias(request):
    alias = request.POST.get("storage") or request.GET.get("storage") or "default"
    return alias if alias in audit.audited_aliases() else "default"


@require_http_methods(["GET", "POST"])
def storage_audit(request, model_admin):
    """GET shows the audit of a storage; POST quarantines, restores or purges, then redirects.

    Needs permissions.may_audit; an unknown or malformed trash batch id is a 404.
    """
    if not permissions.may_audit(request.user):
        raise PermissionDenied
    alias = _alias(request)
    if request.method == "POST":
        _act(request, alias)
        url = reverse("admin:mediadmin_product_audit")
        return HttpResponseRedirect(url if alias == "default" else f"{url}?storage={alias}")
    return TemplateResponse(request, "admin/mediadmin/product/storage_audit.html",
                            _context(request, model_admin, alias))


def _context(request, model_admin, alias):
    aliases = [(a, STORAGE_TITLES.get(a, a)) for a in audit.audited_aliases()]
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "title": _("Storage audit"), "alias": alias, "aliases": aliases, "shown": SHOWN,
               "storage_title": STORAGE_TITLES.get(alias, alias)}
    try:
        storage = audit.storage_for(alias)
        report = audit.audit(alias)
        trash_batches = audit.batches(audit.trash_for(storage, alias))
    except audit.UnsafeRoot as exc:
        return {**context, "refused": exc}
    except audit.StorageUnavailable as exc:
        return {**context, "storage_error": exc}
    grace = audit.orphan_grace()
    moving = {f.name for f, _k, _s in report.candidates(grace)}
    return {**context, "report": report, "grace_hours": grace / 3600, "movable": moving,
            "orphans": _with_previews(storage, alias, report.orphans[:SHOWN]),
            "thumbnails": report.thumbnails[:SHOWN],
            "batches": trash_batches,
            "folders": sorted(report.folders.items()), "fields": sorted(report.fields.items())}


def _with_previews(storage, alias, files):
    """(file, preview URL or None): image orphans of the public images storage get a small preview."""
    public = alias == "default" and not getattr(storage, "querystring_auth", False)
    return [(f, storage.url(f.name) if public and claimed_family(f.name) == IMAGE else None) for f in files]


def _act(request, alias):
    action = request.POST.get("action")
    try:
        if action == "quarantine":
            return _quarantine(request, alias)
        if action in ("restore", "purge"):
            return _batch_action(request, alias, action)
    except (audit.UnsafeRoot, audit.StorageUnavailable) as exc:
        return messages.error(request, str(exc))
    except ValueError as exc:
        return messages.error(request, str(exc))
    messages.error(request, _("Unknown action."))


def _quarantine(request, alias):
    names = request.POST.getlist("name")
    if not names:
        return messages.warning(request, _("Select the files to move to the trash first."))
    result = trash_service.quarantine_orphans(audit.audit(alias), alias=alias, names=names)
    if result.done:
        messages.success(request, ngettext(
            "Moved %(count)d file into trash batch %(batch)s; restore it below if needed.",
            "Moved %(count)d files into trash batch %(batch)s; restore them below if needed.",
            len(result.done)) % {"count": len(result.done), "batch": result.batch})
    left = len(names) - len(result.done)
    if left:
        messages.warning(request, ngettext(
            "%(count)d file stayed: a row references it now, it is too recent or it is gone.",
            "%(count)d files stayed: a row references them now, they are too recent or they are gone.",
            left) % {"count": left})


def _batch_action(request, alias, action):
    """Restore or purge one batch; the service refuses unknown batches and other storages' batches."""
    storage = audit.storage_for(alias)
    batch = request.POST.get("batch", "")
    try:
        if action == "purge":
            trash_service.purge(audit.trash_for(storage, alias), batch=batch, alias=alias)
            return messages.success(request, _("Trash batch %(batch)s deleted for good.") % {"batch": batch})
        result = trash_service.restore(storage, batch, alias=alias)
    except audit.UnknownBatch as exc:
        raise Http404(str(exc)) from None
    except audit.BatchRefused as exc:
        return messages.error(request, str(exc))
    messages.success(request, ngettext("Restored %(count)d file from batch %(batch)s.",
                                       "Restored %(count)d files from batch %(batch)s.",
                                       len(result.done)) % {"count": len(result.done), "batch": batch})
    if result.skipped:
        messages.warning(request, _("%(count)d files stayed in the trash because a file of the same "
                                    "name exists now: %(names)s") % {
            "count": len(result.skipped), "names": ", ".join(n for n, _r in result.skipped[:10])})
