"""Admin views of file versions: the restore confirmation (GET) and the restore (POST), and thumbnails.

Both are wired in ProductAdmin.get_urls() through admin/views.admin_url, like every extra admin view.
Each checks permissions (permissions.py) and calls
services.version_restore; nothing is written on GET.
"""
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import permissions, selectors, services
from ..fields import StorageWriteError
from ..services.versions import version_field, version_storage
from ..storage_errors import StorageUnavailable

logger = logging.getLogger(__name__)


def _version_or_404(version_id):
    version = selectors.version_by_id(version_id)
    if version is None or version_field(version) is None:
        raise Http404(_("No such version."))
    return version


def _row_and_url(version):
    model = version.content_type.model_class()
    row = model._base_manager.filter(pk=version.object_id).first()
    if row is None:
        return None, None
    try:
        return row, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
    except NoReverseMatch:
        return row, None


@require_http_methods(["GET", "POST"])
def restore_version(request, version_id, model_admin):
    """GET: what would be restored, with a confirm button. POST: restore it (services.version_restore)."""
    version = _version_or_404(version_id)
    if not permissions.may_restore_version(request.user, version):
        raise PermissionDenied
    row, row_url = _row_and_url(version)
    if request.method == "POST":
        return _restore(request, version, row_url)
    field = version_field(version)
    return TemplateResponse(request, "admin/mediadmin/fileversion/restore_confirm.html", {
        **model_admin.admin_site.each_context(request), "version": version, "row": row, "row_url": row_url,
        "field_label": field.verbose_name, "current_name": _current_name(row, field),
        "title": _("Restore a previous version"),
    })


def _current_name(row, field):
    current = getattr(row, field.attname) if row is not None else None
    return current.name.rsplit("/", 1)[-1] if current else ""


def _restore(request, version, row_url):
    back = row_url or reverse("admin:index")
    try:
        services.version_restore(version=version, user=request.user)
    except services.VersionUnavailable as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    except (StorageWriteError, StorageUnavailable) as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    except OSError as exc:
        logger.exception("Could not restore version %s", version.pk)
        messages.error(request, _("%(name)s could not be restored (%(cause)s); nothing was changed.")
                       % {"name": version, "cause": exc.__class__.__name__})
        return HttpResponseRedirect(back)
    messages.success(request, _("%(field)s restored from %(name)s; the file it replaced is kept as a version.")
                     % {"field": capfirst(version_field(version).verbose_name), "name": version})
    return HttpResponseRedirect(back)


@require_GET
def version_thumbnail(request, version_id, model_admin=None):
    """The small JPEG of an image version, for users who may see the row's versions; never cached publicly."""
    version = _version_or_404(version_id)
    if not permissions.may_view_versions(request.user, version):
        raise PermissionDenied
    if not version.thumbnail:
        raise Http404(_("This version has no thumbnail."))
    try:
        handle = version_storage(version).open(version.thumbnail, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("This version's thumbnail is missing.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
