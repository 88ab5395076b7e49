"""Writes: everything that changes products and their files goes through here."""
import hashlib
import logging

from . import filenames, thumbnails, validators
from .models import Product, ProductDocument

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


def file_fingerprint(fileobj):
    """Return (size, sha256 hex) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return size, digest.hexdigest()


def stored_fingerprint(storage, name):
    """Return (size, sha256 hex) of a file already in `storage`, read in chunks."""
    with storage.open(name, "rb") as fileobj:
        return file_fingerprint(fileobj)


def document_fill_metadata(*, document: ProductDocument, user=None) -> ProductDocument:
    """Compute size, type, checksum and original name of a newly assigned document file."""
    field_file = document.file
    if getattr(field_file, "_committed", True):
        return document
    document.original_name = filenames.display_name(field_file.name)
    document.size, document.sha256 = file_fingerprint(field_file)
    document.content_type = validators.sniff_document(field_file) or "application/octet-stream"
    if not document.title:
        document.title = document.original_name.rsplit(".", 1)[0][:200]
    if user is not None and user.is_authenticated and document.uploaded_by_id is None:
        document.uploaded_by = user
    return document


def document_save(*, document: ProductDocument, user=None) -> ProductDocument:
    """Fill server-computed metadata and save a document row (and its file)."""
    document_fill_metadata(document=document, user=user)
    document.save()
    return document


def product_save(*, product: Product) -> Product:
    """Save a product; a newly stored image gets its thumbnails by a task after commit.

    The scheduling is receivers.schedule_new_images -> thumbnails.schedule, so gallery rows
    saved by the admin inline and images saved by any other code path get theirs too.
    """
    product.save()
    return product


def products_regenerate_thumbnails(*, products) -> thumbnails.Regeneration:
    """Drop the thumbnails of the products' images and have them made again by the task queue.

    With the default immediate backend they are made before this returns; with a worker the
    request only queues them, so selecting hundreds of products never times a page out.
    """
    outcome = thumbnails.Regeneration()
    for product in products.prefetch_related("images"):
        rows = [(product, "image")] + [(img, "image") for img in product.images.all()]
        for instance, field_name in rows:
            if getattr(instance, field_name):
                outcome.add(thumbnails.regenerate_later(instance, field_name))
    return outcome
