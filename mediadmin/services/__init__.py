"""Writes: everything that changes products and their files goes through here.

Every service opens its own transaction (transactions.atomic_write) and schedules its
after-commit work itself; views, the admin and the commands call services and open none.
This file only re-exports the public names, so `services.product_save(...)` keeps working.

  products        product_save, product_fill_document_name, gallery_image_save, gallery_image_make_main,
                  product_create,
                  products_regenerate_thumbnails
  documents       document_fill_metadata, document_save
  uploads         one file per call: document_upload, gallery_image_upload, file_upload, detect_kind,
                  de-duplication (DuplicateUpload), outcomes (UploadOutcome), the upload kinds
  thumbnail_jobs  which save schedules a new image's thumbnails: the service's, else the receivers'
  transactions    atomic_write(): the transaction of one service, deleting files it rolls back
Trash (quarantine, restore, purge of stored files) stays in mediadmin/audit/trash.py.
"""
from ..files import file_fingerprint, stored_fingerprint
from .documents import document_fill_metadata, document_save
from .products import (
    gallery_image_make_main,
    gallery_image_save,
    product_create,
    product_fill_document_name,
    product_save,
    products_regenerate_thumbnails,
)
from .thumbnail_jobs import note_new_images as thumbnails_note_new
from .thumbnail_jobs import schedule_noted as thumbnails_schedule_new
from .uploads import (
    DOCUMENTS,
    IMAGES,
    KINDS,
    DuplicateUpload,
    UploadOutcome,
    detect_kind,
    document_upload,
    file_upload,
    find_duplicate_document,
    find_duplicate_image,
    gallery_image_upload,
)

__all__ = [
    "DOCUMENTS", "IMAGES", "KINDS", "DuplicateUpload", "UploadOutcome", "detect_kind",
    "document_fill_metadata", "document_save", "document_upload", "file_fingerprint", "file_upload",
    "find_duplicate_document", "find_duplicate_image", "gallery_image_make_main", "gallery_image_save",
    "gallery_image_upload",
    "product_create", "product_fill_document_name", "product_save", "products_regenerate_thumbnails",
    "stored_fingerprint",
    "thumbnails_note_new", "thumbnails_schedule_new",
]
