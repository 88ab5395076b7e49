"""Extra admin views of products: one-file upload endpoints, the bulk upload page, file matching.

Each takes (request, model_admin, **URL kwargs) and is wired by admin_url() in
ProductAdmin.get_urls(), like the storage audit (audit_views). Each view checks permissions,
calls the services in mediadmin.services.uploads and turns the outcome into JSON (for
bulk-upload.js) or a page (without JavaScript). No business logic here.
"""
import json
from functools import update_wrapper

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import matching, permissions, selectors, upload_kinds, uploadlog
from ..models import Product, ProductDocument
from ..services import uploads
from . import presenters
from .forms import BulkUploadForm

MAX_MATCH_NAMES = 5000
STATUS_CODES = {"uploaded": 201, "duplicate": 409, "refused": 422, "unmatched": 422, "failed": 503}


def _forbidden(message=_("You are not allowed to upload files here.")):
    return JsonResponse({"status": "forbidden", "message": str(message)}, status=403)


def admin_url(model_admin, route, view, action, *, answers_js=False):
    """One extra admin URL of `model_admin`: admin_view() around `view(request, model_admin, **URL kwargs)`.

    The one way every extra admin view is wired (ModelAdmin.get_urls): model_admin reaches the
    view as a URL kwarg, the URL name is `<app>_<model>_<action>` (admin:mediadmin_product_audit).
    Endpoints that answer bulk-upload.js (answers_js) take POST only and answer a request
    without admin access with a JSON 403 instead of the login page.
    """
    site = model_admin.admin_site
    wrapped = _json_view(site, view) if answers_js else site.admin_view(view)
    name = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_{action}"
    return path(route, wrapped, {"model_admin": model_admin}, name=name)


def _json_view(site, view):
    """admin_view for XHR endpoints: 403 JSON instead of a login redirect for non-staff."""
    admin_view = site.admin_view(require_POST(view))

    def wrapper(request, *args, **kwargs):
        if not site.has_permission(request):
            return _forbidden()
        return admin_view(request, *args, **kwargs)
    return update_wrapper(wrapper, view)


MAX_POSITION = 2**31 - 1  # PositiveIntegerField's ceiling on every database


def _outcome_response(request, outcome, row_html=None):
    data = presenters.outcome_json(outcome, request, row_html=row_html)
    return JsonResponse(data, status=STATUS_CODES[outcome.status])


def _allow_duplicate(request) -> bool:
    return request.POST.get(upload_kinds.ALLOW_DUPLICATE_PARAM) in {"1", "true", "on"}


def _visibility(request) -> str | None:
    value = request.POST.get(upload_kinds.VISIBILITY_PARAM)
    return value if value in ProductDocument.Visibility.values else None


def _position(request) -> int | None:
    # The place the drop zone chose (the order of choice); anything else leaves it to the service.
    value = request.POST.get(upload_kinds.POSITION_PARAM, "")
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_POSITION else None


def _row_html(model_admin, request, product, outcome, kind):
    """The change form's markup of the new row, rendered by the inline of its kind."""
    if outcome.obj is None:
        return None
    inline = next((i for i in model_admin.get_inline_instances(request, product)
                   if getattr(i, "upload_kind", None) == kind), None)
    return inline.render_row(request, model_admin, outcome.obj) if inline else None


def upload_to_product(request, model_admin, object_id, kind):
    """One file (parameter upload_kinds.FILE_PARAM) into a product's documents or gallery."""
    if upload_kinds.get(kind) is None:
        raise Http404
    if not permissions.may_add_files(request.user, kind):
        return _forbidden()
    product = selectors.product_by_id(object_id)
    if product is None:
        raise Http404
    uploaded_file = request.FILES.get(upload_kinds.FILE_PARAM)
    if uploaded_file is None:
        return JsonResponse({"status": "refused", "message": str(_("No file was sent."))}, status=400)
    outcome = uploads.file_upload(product=product, uploaded_file=uploaded_file, user=request.user,
                                  kind=kind, allow_duplicate=_allow_duplicate(request),
                                  visibility=_visibility(request), position=_position(request))
    return _outcome_response(request, outcome, _row_html(model_admin, request, product, outcome, kind))


def bulk_upload_file(request, model_admin):
    """One file of the bulk page: to the chosen product or the one its SKU names."""
    if not permissions.may_add_any_files(request.user):
        return _forbidden()
    form = BulkUploadForm(request.POST)
    uploaded_file = request.FILES.get(upload_kinds.FILE_PARAM)
    if uploaded_file is None or not form.is_valid():
        errors = form.errors.get_json_data() if form.is_bound else {}
        return JsonResponse({"status": "refused", "message": str(_("No file was sent.")),
                             "errors": errors}, status=400)
    return _outcome_response(request, _bulk_one(request, form, uploaded_file, None))


def _bulk_one(request, form, uploaded_file, matches):
    """Route one file to its product and kind, checking the permission for that kind."""
    name = uploaded_file.name
    matches = matches if matches is not None else matching.match_filenames([name])
    product = form.product_for(name, matches)
    kind = uploads.detect_kind(uploaded_file)
    if product is not None and not permissions.may_add_files(request.user, kind):
        refusal = ValidationError(_("You may not add files of this kind."), code="permission_denied")
        uploadlog.log_refusal(uploaded_file, refusal, user=request.user)
        return uploads.UploadOutcome("refused", name, str(refusal.messages[0]), product)
    return uploads.file_upload(product=product, uploaded_file=uploaded_file, user=request.user,
                               kind=kind, allow_duplicate=form.cleaned_data["allow_duplicate"],
                               visibility=form.cleaned_data["visibility"])


def bulk_match(request, model_admin):
    """Which product each file name goes to by its SKU (JSON {"names": [...]} in, matches out)."""
    if not permissions.may_add_any_files(request.user):
        return _forbidden()
    try:
        names = json.loads(request.body or b"{}").get("names", [])
    except (ValueError, AttributeError):
        names = None
    if not isinstance(names, list) or len(names) > MAX_MATCH_NAMES:
        return JsonResponse({"message": str(_("Send at most %(n)d file names.") % {"n": MAX_MATCH_NAMES})},
                            status=400)
    matches = matching.match_filenames(str(n) for n in names)
    return JsonResponse({"matches": {n: presenters.product_json(p) for n, p in matches.items()}})


def bulk_upload_page(request, model_admin):
    """The bulk upload page; without JavaScript its form uploads every file in one POST."""
    if not permissions.may_add_any_files(request.user):
        return TemplateResponse(request, "admin/mediadmin/product/bulk_upload.html",
                                _page_context(model_admin, request, None), status=403)
    form = BulkUploadForm(request.POST or None)
    outcomes = None
    if request.method == "POST" and form.is_valid():
        files = request.FILES.getlist("files")
        matches = matching.match_filenames(f.name for f in files)
        outcomes = [_bulk_one(request, form, f, matches) for f in files]
    context = _page_context(model_admin, request, form)
    context.update(presenters.summary_context(outcomes))
    return TemplateResponse(request, "admin/mediadmin/product/bulk_upload.html", context)


def _page_context(model_admin, request, form):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Product._meta,
        "title": _("Bulk upload"),
        "form": form,
        "forbidden": form is None,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "limits": presenters.limits(),
        "match_chunk": MAX_MATCH_NAMES,  # bulk-upload.js sends names in requests of this many
        "media": model_admin.media,
    }

