"""Writes of product documents: server-computed metadata (size, type, checksum, name) and the save."""
from .. import filenames, validators
from ..files import file_fingerprint
from ..models import ProductDocument
from . import activity
from .transactions import atomic_write


def document_fill_metadata(*, document: ProductDocument, user=None) -> ProductDocument:
    """Compute size, type, checksum and original name of a newly assigned document file."""
    field_file = document.file
    if getattr(field_file, "_committed", True):
        return document
    document.original_name = filenames.display_name(field_file.name)
    document.size, document.sha256 = file_fingerprint(field_file)
    document.content_type = validators.sniff_document(field_file) or "application/octet-stream"
    if not document.title:
        document.title = filenames.readable_title(document.original_name)[:200]
    if user is not None and user.is_authenticated and document.uploaded_by_id is None:
        document.uploaded_by = user
    return document


def document_save(*, document: ProductDocument, user=None, record: bool = True) -> ProductDocument:
    """Fill server-computed metadata and save a document row (and its file) in its own transaction.

    A document has no after-commit work: it has no thumbnails. A newly stored file is put on
    record (upload or replace) unless `record` is False (load_demo).
    """
    pending = activity.pending_files(document) if record else []
    document_fill_metadata(document=document, user=user)
    with atomic_write():
        document.save()
        activity.record_saved(pending, instance=document, user=user, product=document.product)
    return document
