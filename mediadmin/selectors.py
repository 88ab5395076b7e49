"""Reads: querysets for the admin and the public pages."""
from django.db.models import Count, Prefetch

from .models import Product, ProductDocument, ProductImage


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
