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
  activity        record(): the history of file operations (FileEvent), written by the services
  recovery        recoverable deletion (versions by django-reversion, files to the trash) and recover();
                  used as the module `services.recovery`, like trash
  trash           quarantine (orphans into a batch), restore, purge, manifests; used as the module
                  `services.trash` (its names, such as `restore`, mean something only there)
  versions        replaced files kept as versions (after commit), version_restore, versions_expire
"""
from ..files import file_fingerprint, stored_fingerprint
from . import activity
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
from .versions import VersionUnavailable, version_restore, version_retention, versions_expire
from .versions import file_field_names as versions_file_field_names
from .versions import keep_replaced as versions_keep_replaced
from .versions import note_replacement as versions_note_replacement

__all__ = [
    "DOCUMENTS", "IMAGES", "KINDS", "activity", "DuplicateUpload", "UploadOutcome", "detect_kind",
    "document_fill_metadata", "document_save", "document_upload", "file_fingerprint", "file_upload",
    "find_duplicate_document", "find_duplicate_image", "gallery_image_make_main", "gallery_image_save",
    "gallery_image_upload",
    "product_create", "product_fill_document_name", "product_save", "products_regenerate_thumbnails",
    "stored_fingerprint", "thumbnails_note_new", "thumbnails_schedule_new", "VersionUnavailable", "version_restore",
    "version_retention", "versions_expire", "versions_file_field_names", "versions_keep_replaced",
    "versions_note_replacement",
]
