"""Who may do what: one predicate per capability, used by every path that offers it.

The admin (pages, endpoints, actions), the public views, the selectors and the templates ask
these functions instead of calling `has_perm` themselves, so a rule lives in one place. Every
staff capability needs an active staff account plus a model permission; superusers pass.
Management commands act without a user and do not ask.
"""
from django.contrib.auth import get_permission_codename

from . import upload_kinds
from .models import FileEvent, Product, ProductDocument

AUDIT_PERMISSION = "mediadmin.audit_storage"


def is_active_staff(user) -> bool:
    """An authenticated, active staff account: the floor of every staff capability."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def _has(user, action: str, model) -> bool:
    opts = model._meta
    return is_active_staff(user) and user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def _is_public(document_or_download) -> bool:
    # A ProductDocument says is_public; a downloads.Download says public.
    if hasattr(document_or_download, "is_public"):
        return bool(document_or_download.is_public)
    return bool(document_or_download.public)


def may_view_product_files(user) -> bool:
    """Whether the user may see products and take their files (the zip action): view or change product."""
    return _has(user, "view", Product) or _has(user, "change", Product)


def may_download_document(user, document_or_download) -> bool:
    """Public documents: anyone. Staff-only ones: active staff with `mediadmin.view_productdocument`."""
    return _is_public(document_or_download) or _has(user, "view", ProductDocument)


def may_add_product(user) -> bool:
    """Whether the user may create products (`mediadmin.add_product`)."""
    return _has(user, "add", Product)


def may_change_product(user, product=None) -> bool:
    """Whether the user may edit products (`mediadmin.change_product`); the same for every product."""
    return _has(user, "change", Product)


def may_add_files(user, kind: str) -> bool:
    """Whether the user may upload files of this kind (documents or images): the add permission of its model."""
    upload_kind = upload_kinds.get(kind)
    return upload_kind is not None and _has(user, "add", upload_kind.model)


def may_add_any_files(user) -> bool:
    """Whether the user may upload files of at least one kind (the bulk page and its matching)."""
    return any(may_add_files(user, kind) for kind in upload_kinds.NAMES)


def may_set_product_document(user) -> bool:
    """Whether the user may set or clear a product's own (public) document: add and change documents."""
    return _has(user, "add", ProductDocument) and _has(user, "change", ProductDocument)


def may_view_versions(user, version_or_model) -> bool:
    """Whether the user may see a row's previous files (list, thumbnails): view or change its model."""
    model = _version_model(version_or_model)
    return model is not None and (_has(user, "view", model) or _has(user, "change", model))


def may_restore_version(user, version) -> bool:
    """Whether the user may make a version current again: change its row's model; for a product's
    own document also may_set_product_document (the same rule as setting it)."""
    model = _version_model(version)
    if model is None or not _has(user, "change", model):
        return False
    return not (model is Product and version.field_name == "document") or may_set_product_document(user)


def _version_model(version_or_model):
    if isinstance(version_or_model, type):
        return version_or_model
    return version_or_model.content_type.model_class()


def may_audit(user) -> bool:
    """Whether the user may audit storage and quarantine, restore or purge files (`mediadmin.audit_storage`)."""
    return is_active_staff(user) and user.has_perm(AUDIT_PERMISSION)


def may_recover(user, model) -> bool:
    """Whether the user may recover deleted rows of `model` (its add and change permissions)."""
    return _has(user, "add", model) and _has(user, "change", model)


def may_view_activity(user) -> bool:
    """Whether the user may see the site-wide file history (`mediadmin.view_fileevent`)."""
    return _has(user, "view", FileEvent)
