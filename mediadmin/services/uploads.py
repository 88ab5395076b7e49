"""Writes for uploads of many files: one file per call, validated, de-duplicated, all or nothing.

Each function validates the file with the model field's own validators, then saves the row
in its own short transaction (transactions.atomic_write); the field's pre_save stores the
file under a server-made name (mediadmin.fields). If the transaction does not commit (a
duplicate found under the lock, a failed INSERT), filesafety deletes the file that was
stored for it, so a refused or failed file leaves neither a row nor a file. A gallery
image's thumbnails are scheduled here, after commit (thumbnail_jobs.save_and_schedule).
Files are hashed in chunks (mediadmin.files): a large upload is a temporary file on disk,
never read whole into memory.
"""
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .. import filenames, imaging, upload_kinds, uploadlog
from ..fields import StorageWriteError
from ..files import stored_fingerprint
from ..models import Product, ProductDocument, ProductImage
from . import activity, products, thumbnail_jobs
from .documents import document_fill_metadata
from .transactions import atomic_write

# The name this module had as mediadmin/uploads.py: log records and settings keep using it.
logger = logging.getLogger("mediadmin.uploads")

# The kinds are named in upload_kinds (the registry); these aliases keep existing callers working.
DOCUMENTS, IMAGES, KINDS = upload_kinds.DOCUMENTS, upload_kinds.IMAGES, upload_kinds.NAMES


class DuplicateUpload(ValidationError):
    """The same bytes (sha256) are already attached to the product."""

    def __init__(self, name: str, existing):
        super().__init__(
            _("%(name)s is already attached to this product as “%(existing)s”."),
            code="duplicate", params={"name": name, "existing": str(existing)},
        )
        self.existing = existing


@dataclass(frozen=True)
class UploadOutcome:
    """What happened to one file: uploaded, duplicate, refused, failed or unmatched."""

    status: str
    name: str
    message: str = ""
    product: Product | None = None
    obj: ProductDocument | ProductImage | None = None


def _display_name(uploaded_file) -> str:
    return filenames.display_name(uploaded_file.name)


def _run_field_validators(model, field_name: str, uploaded_file) -> None:
    # The model field's own validators, run before the file is assigned: assigning a
    # file to an ImageField with width/height fields makes Django parse it at once.
    model._meta.get_field(field_name).run_validators(uploaded_file)


def _lock_product(product: Product) -> Product:
    # Serialises uploads to one product (PostgreSQL) so the duplicate check holds;
    # SQLite's IMMEDIATE transactions already serialise writers.
    return Product.objects.select_for_update().get(pk=product.pk)


def find_duplicate_document(*, product: Product, sha256: str, exclude_pk=None):
    """The product's document with these bytes, if any."""
    return product.documents.filter(sha256=sha256).exclude(pk=exclude_pk).order_by("pk").first()


def find_duplicate_image(*, product: Product, sha256: str, exclude_pk=None):
    """The product's gallery image with these stored bytes, if any (hashes older rows on the way)."""
    _fill_missing_image_hashes(product, exclude_pk)
    return product.images.filter(sha256=sha256).exclude(pk=exclude_pk).order_by("pk").first()


def _fill_missing_image_hashes(product: Product, exclude_pk=None) -> None:
    """Rows stored before the image field filled the hash get theirs computed once, here."""
    for image in product.images.filter(sha256="").exclude(pk=exclude_pk):
        try:
            digest = stored_fingerprint(image.image.storage, image.image.name)[1]
        except OSError:
            logger.warning("Cannot hash missing gallery file %r", image.image.name)
            continue
        ProductImage.objects.filter(pk=image.pk).update(sha256=digest)


def _refuse_duplicate(finder, product, sha256, uploaded_file, allow_duplicate, exclude_pk=None):
    if allow_duplicate:
        return
    existing = finder(product=product, sha256=sha256, exclude_pk=exclude_pk)
    if existing is not None:
        raise DuplicateUpload(_display_name(uploaded_file), existing)


def document_upload(*, product: Product, uploaded_file, user=None, allow_duplicate: bool = False,
                    visibility: str | None = None) -> ProductDocument:
    """Validate, de-duplicate and store one document of a product; raise ValidationError if refused."""
    _run_field_validators(ProductDocument, "file", uploaded_file)
    document = ProductDocument(product=product, file=uploaded_file)
    if visibility:
        document.visibility = visibility
    document.full_clean(exclude=["file"])
    document_fill_metadata(document=document, user=user)
    _refuse_duplicate(find_duplicate_document, product, document.sha256, uploaded_file, allow_duplicate)

    with atomic_write():
        _lock_product(product)
        _refuse_duplicate(find_duplicate_document, product, document.sha256, uploaded_file,
                          allow_duplicate)
        document.save()  # no after-commit work: documents have no thumbnails
        activity.record(activity.Action.UPLOAD, user=user, product=product,
                        original_name=document.original_name, stored_name=document.file.name)
    return document


def gallery_image_upload(*, product: Product, uploaded_file, user=None,
                         allow_duplicate: bool = False, position: int | None = None) -> ProductImage:
    """Validate, store (re-encoded) and de-duplicate one gallery image at the end of the gallery.

    `position`, when given, is where the image goes instead: a drop zone numbers its files in the
    order they were chosen, since several travel at once and finish in any order.
    Duplicates are compared on the stored bytes: the field re-encodes images, and the same
    source re-encodes to the same bytes, so rows saved by other paths compare too.
    """
    _run_field_validators(ProductImage, "image", uploaded_file)
    image = ProductImage(product=product, image=uploaded_file)
    image.full_clean(exclude=["image"])
    products.mark_uploaded(image, user)

    try:
        with atomic_write():
            _lock_product(product)
            if position is None:
                last = product.images.aggregate(last=Max("position"))["last"]
                position = 0 if last is None else last + 1
            image.position = position
            # The field fills sha256, width and height from the stored bytes; the thumbnails
            # are scheduled after commit, so a duplicate refused below rolls them back too.
            thumbnail_jobs.save_and_schedule(image)
            _refuse_duplicate(find_duplicate_image, product, image.sha256, uploaded_file,
                              allow_duplicate, exclude_pk=image.pk)
            activity.record(activity.Action.UPLOAD, user=user, product=product,
                            original_name=_display_name(uploaded_file), stored_name=image.image.name)
    except BaseException:
        image.pk = None
        raise
    return image


def detect_kind(uploaded_file) -> str:
    """IMAGES when the bytes open as an allowed image format, else DOCUMENTS (routing only)."""
    try:
        imaging.probe(uploaded_file)
    except Image.DecompressionBombError:  # an image, far too large: the image validators say so
        return IMAGES
    except Exception:  # not an image: the document validators decide what it is
        return DOCUMENTS
    finally:
        uploaded_file.seek(0)
    return IMAGES


def file_upload(*, product: Product | None, uploaded_file, user=None, kind: str | None = None,
                allow_duplicate: bool = False, visibility: str | None = None,
                position: int | None = None) -> UploadOutcome:
    """Upload one file of either kind and report the outcome instead of raising.

    `visibility` applies to documents, `position` to gallery images; each is ignored by the other kind.
    """
    name = _display_name(uploaded_file)
    if product is None:
        unmatched = ValidationError(_("No product matches this file name."), code="unmatched")
        uploadlog.log_refusal(uploaded_file, unmatched, user=user)
        return UploadOutcome("unmatched", name, _message(unmatched))
    kind = kind or detect_kind(uploaded_file)
    options = {"visibility": visibility} if kind == DOCUMENTS else {"position": position}
    upload = gallery_image_upload if kind == IMAGES else document_upload
    try:
        obj = upload(product=product, uploaded_file=uploaded_file, user=user,
                     allow_duplicate=allow_duplicate, **options)
    except ValidationError as exc:
        # Logged once per file: a validator's refusal is already on record (uploadlog).
        uploadlog.log_refusal(uploaded_file, exc, user=user)
        status = "duplicate" if isinstance(exc, DuplicateUpload) else "refused"
        return UploadOutcome(status, name, _message(exc), product)
    except StorageWriteError as exc:
        logger.warning("Bulk upload of %r failed in storage: %r", name, exc.cause)
        return UploadOutcome("failed", name, str(exc), product)
    return UploadOutcome("uploaded", name, "", product, obj)


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
