"""Reads: querysets for the admin and the public pages."""
import re

from django.db.models import Count, Prefetch, Q

from . import permissions
from .models import FileEvent, FileVersion, Product, ProductDocument, ProductImage

_ID = re.compile(r"\A[0-9]{1,19}\Z")  # ASCII digits only: int() would take " 1", "1_0", "+1", "١"
MAX_ID = 2**63 - 1


def product_by_id(raw):
    """The product whose primary key `raw` (text from a URL) names, or None when unknown or malformed."""
    if not isinstance(raw, str) or not _ID.match(raw) or int(raw) > MAX_ID:
        return None
    return Product.objects.filter(pk=int(raw)).first()


def gallery_image_of(product, raw):
    """The gallery image of `product` whose primary key `raw` (text from a form) names, or None."""
    if not isinstance(raw, str) or not _ID.match(raw) or int(raw) > MAX_ID:
        return None
    return product.images.filter(pk=int(raw)).first()


def products_with_counts(queryset=None):
    """Products annotated with their numbers of gallery images and documents."""
    queryset = Product.objects.all() if queryset is None else queryset
    return queryset.annotate(
        image_count=Count("images", distinct=True),
        document_count=Count("documents", distinct=True),
    )


def product_list():
    """Products for the public list page."""
    return Product.objects.order_by("name")


def product_detail_queryset():
    """Products with their gallery and documents prefetched, for the detail page."""
    return Product.objects.prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        Prefetch("documents", queryset=ProductDocument.objects.order_by("title", "id")),
    )


def download_for_stored_name(name):
    """The Download for a stored document name (gallery documents or a product's document)."""
    from .downloads import Download, content_type_for

    if not name or "\x00" in name:  # no stored name has one; PostgreSQL refuses NUL in a query
        return None
    document = ProductDocument.objects.filter(file=name).first()
    if document is not None:
        return Download(document.file, document.download_name,
                        document.content_type or content_type_for(name), document.is_public)
    product = Product.objects.filter(document=name).first()
    if product is not None:
        return Download(product.document, product.document_download_name, content_type_for(name), True)
    return None


def visible_documents(product, user):
    """A product's documents that this user may download (permissions.may_download_document)."""
    return [d for d in product.documents.all() if permissions.may_download_document(user, d)]


def versions_of(instance, field_name):
    """The kept versions of one file field of a row, newest first, with who replaced them."""
    from django.contrib.contenttypes.models import ContentType

    if instance is None or instance.pk is None:
        return FileVersion.objects.none()
    return FileVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=instance.pk,
        field_name=field_name,
    ).select_related("replaced_by", "content_type")


def version_by_id(raw):
    """The version whose id `raw` (text from a URL) names, or None when unknown or malformed."""
    if not isinstance(raw, str) or not _ID.match(raw) or int(raw) > MAX_ID:
        return None
    return FileVersion.objects.select_related("content_type", "replaced_by").filter(pk=int(raw)).first()


def expired_versions(cutoff):
    """Versions replaced before `cutoff` (a datetime), oldest first."""
    return FileVersion.objects.filter(replaced_at__lt=cutoff).select_related("content_type").order_by(
        "replaced_at", "id")


def product_file_events(object_id, limit=200):
    """The latest file events of a product (by its id, kept when it was deleted and recovered), users joined."""
    if not isinstance(object_id, str) or not _ID.match(object_id) or int(object_id) > MAX_ID:
        return FileEvent.objects.none()
    pk = int(object_id)
    return FileEvent.objects.filter(Q(product_id=pk) | Q(product_pk=pk)).select_related("user")[:limit]
