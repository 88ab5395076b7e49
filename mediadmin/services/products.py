"""Writes of products and their gallery: saves that schedule thumbnails, and regeneration."""
from django.core.files.base import File
from django.utils import timezone

from .. import filenames, thumbnails
from ..models import Product, ProductImage
from . import activity, thumbnail_jobs
from .documents import document_save
from .transactions import atomic_write


def product_save(*, product: Product, user=None, record: bool = True, keep_focus: bool = False) -> Product:
    """Save a product in its own transaction; a newly stored main image gets its thumbnails after commit.

    The scheduling happens here, in thumbnail_jobs.save_and_schedule(): the image fields
    holding a newly assigned file are listed before the save and each is handed to
    thumbnails.schedule(), a transaction.on_commit callback, so the task is enqueued once the
    outermost transaction commits and never after a rollback. The save is claimed, so the
    post_save receiver (which covers saves that call no service) leaves it alone: one task
    per new image. A newly assigned document's client name is kept (product_fill_document_name).
    A newly stored image or document is put on record (activity) unless `record` is False (load_demo).
    `keep_focus`: the focal point set on `product` is for its new image even if it equals the old
    one's (thumbnail_jobs.forget_stale_focus otherwise clears an unchanged point with a new file).
    """
    product_fill_document_name(product=product)
    pending = activity.pending_files(product) if record else []
    with atomic_write():
        thumbnail_jobs.save_and_schedule(product, keep_focus=keep_focus)
        activity.record_saved(pending, instance=product, user=user, product=product)
    return product


def product_fill_document_name(*, product: Product) -> Product:
    """Remember the client's name of a newly assigned document (downloads use it); forget a cleared one's."""
    field_file = product.document
    if not field_file:
        product.document_original_name = ""
    elif not getattr(field_file, "_committed", True):
        product.document_original_name = filenames.display_name(field_file.name)
    return product


def gallery_image_save(*, image: ProductImage, user=None, record: bool = True) -> ProductImage:
    """Save a gallery image row in its own transaction; a newly stored image gets its thumbnails after commit.

    Scheduled like product_save's image (thumbnail_jobs.save_and_schedule). Uploads of one
    file go through services.uploads.gallery_image_upload, which also de-duplicates.
    A newly stored file names its uploader (`uploaded_by` / `uploaded_at`) and is put on record.
    """
    pending = activity.pending_files(image)
    if pending:
        mark_uploaded(image, user)
    with atomic_write():
        thumbnail_jobs.save_and_schedule(image)
        activity.record_saved(pending if record else [], instance=image, user=user, product=image.product)
    return image


def gallery_image_make_main(*, image: ProductImage) -> Product:
    """Make a gallery image its product's main image: a copy of its file, alt text, decorative mark and focal point.

    A copy, stored under a name of its own: the two rows then never share a file, so removing
    the gallery row or replacing the main image later deletes only that row's file (the
    shared-file guard, audit/references.py, is not leaned on). Saved through product_save, so the
    copy gets its thumbnails after commit and the replaced main image is cleaned up as usual.
    """
    product = image.product
    with image.image.open("rb") as source:  # streamed by the save, never read whole into memory
        product.image = File(source, name=image.display_name)
        product.image_alt_text, product.image_decorative = image.alt_text, image.decorative
        product.image_focal_x, product.image_focal_y = image.focal_x, image.focal_y
        return product_save(product=product, keep_focus=True)  # even when it equals the old image's point


def mark_uploaded(image: ProductImage, user) -> ProductImage:
    """Note who stored the gallery image's file and when (the user may be None: commands)."""
    image.uploaded_at = timezone.now()
    if user is not None and user.is_authenticated:
        image.uploaded_by = user
    return image


def product_create(*, product: Product, images=(), documents=(), user=None,
                   record: bool = True) -> Product:
    """Save a new product with its gallery images and documents, all in one transaction.

    Each row goes through its own service above (thumbnails after commit, document
    metadata), nested in this transaction: a failure leaves no row and no file. load_demo
    passes record=False: demo data is not a file operation worth a history line.
    """
    with atomic_write():
        product_save(product=product, user=user, record=record)
        for image in images:
            image.product = product
            gallery_image_save(image=image, user=user, record=record)
        for document in documents:
            document.product = product
            document_save(document=document, user=user, record=record)
    return product


def products_regenerate_thumbnails(*, products, user=None) -> thumbnails.Regeneration:
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
                activity.record_file(activity.Action.REGENERATE, user=user, product=product,
                                     field_file=getattr(instance, field_name))
    return outcome
