"""Writes of products and their gallery: saves that schedule thumbnails, and regeneration."""
from django.core.files.base import ContentFile

from .. import filenames, thumbnails
from ..models import Product, ProductImage
from . import thumbnail_jobs
from .documents import document_save
from .transactions import atomic_write


def product_save(*, product: Product) -> Product:
    """Save a product in its own transaction; a newly stored main image gets its thumbnails after commit.

    The scheduling happens here, in thumbnail_jobs.save_and_schedule(): the image fields
    holding a newly assigned file are listed before the save and each is handed to
    thumbnails.schedule(), a transaction.on_commit callback, so the task is enqueued once the
    outermost transaction commits and never after a rollback. The save is claimed, so the
    post_save receiver (which covers saves that call no service) leaves it alone: one task
    per new image. A newly assigned document's client name is kept (product_fill_document_name).
    """
    product_fill_document_name(product=product)
    with atomic_write():
        thumbnail_jobs.save_and_schedule(product)
    return product


def product_fill_document_name(*, product: Product) -> Product:
    """Remember the client's name of a newly assigned document (downloads use it); forget a cleared one's."""
    field_file = product.document
    if not field_file:
        product.document_original_name = ""
    elif not getattr(field_file, "_committed", True):
        product.document_original_name = filenames.display_name(field_file.name)
    return product


def gallery_image_save(*, image: ProductImage) -> ProductImage:
    """Save a gallery image row in its own transaction; a newly stored image gets its thumbnails after commit.

    Scheduled like product_save's image (thumbnail_jobs.save_and_schedule). Uploads of one
    file go through services.uploads.gallery_image_upload, which also de-duplicates.
    """
    with atomic_write():
        thumbnail_jobs.save_and_schedule(image)
    return image


def gallery_image_make_main(*, image: ProductImage) -> Product:
    """Make a gallery image its product's main image: a copy of its file, its alt text and decorative mark.

    A copy, stored under a name of its own: the two rows then never share a file, so removing
    the gallery row or replacing the main image later deletes only that row's file (the
    shared-file guard, audit/references.py, is not leaned on). Saved through product_save, so the
    copy gets its thumbnails after commit and the replaced main image is cleaned up as usual.
    """
    product = image.product
    with image.image.open("rb") as source:
        product.image = ContentFile(source.read(), name=filenames.basename(image.image.name))
    product.image_alt_text, product.image_decorative = image.alt_text, image.decorative
    return product_save(product=product)


def product_create(*, product: Product, images=(), documents=(), user=None) -> Product:
    """Save a new product with its gallery images and documents, all in one transaction.

    Each row goes through its own service above (thumbnails after commit, document
    metadata), nested in this transaction: a failure leaves no row and no file.
    """
    with atomic_write():
        product_save(product=product)
        for image in images:
            image.product = product
            gallery_image_save(image=image)
        for document in documents:
            document.product = product
            document_save(document=document, user=user)
    return product


def products_regenerate_thumbnails(*, products) -> thumbnails.Regeneration:
    """Drop the thumbnails of the products' images and have them made again by the task queue.

    With the default immediate backend they are made before this returns; with a worker the
    request only queues them, so selecting hundreds of products never times a page out.
    No transaction: no row is written, and the tasks are enqueued now, not after a commit.
    """
    outcome = thumbnails.Regeneration()
    for product in products.prefetch_related("images"):
        rows = [(product, "image")] + [(img, "image") for img in product.images.all()]
        for instance, field_name in rows:
            if getattr(instance, field_name):
                outcome.add(thumbnails.regenerate_later(instance, field_name))
    return outcome
