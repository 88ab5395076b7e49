"""Reads: querysets for the admin and the public pages."""
import re

from django.db.models import Count, Prefetch

from . import permissions
from .models import Product, ProductDocument, ProductImage

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
