"""Writes for uploads of many files: one file per call, validated, de-duplicated, all or nothing.

Each function stores the file first, then writes its row in a short transaction; when
anything after the store fails, the stored file is deleted again, so a refused or failed
file leaves neither a row nor a file behind. The file is hashed in chunks (a large upload
is a temporary file on disk, never read whole into memory).
"""
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from . import imaging, services, thumbnails
from .models import Product, ProductDocument, ProductImage

logger = logging.getLogger(__name__)

DOCUMENTS = "documents"
IMAGES = "images"
KINDS = (DOCUMENTS, IMAGES)


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
    """What happened to one uploaded file: uploaded, duplicate, refused or unmatched."""

    status: str
    name: str
    message: str = ""
    product: Product | None = None
    obj: ProductDocument | ProductImage | None = None


def _base_name(uploaded_file) -> str:
    return str(uploaded_file.name or "").replace("\\", "/").rsplit("/", 1)[-1]


def _run_field_validators(model, field_name: str, uploaded_file) -> None:
    # The model field's own validators, run before the file is assigned: assigning a
    # file to an ImageField with width/height fields makes Django parse it at once.
    model._meta.get_field(field_name).run_validators(uploaded_file)


def _store_then_save(instance, field_name: str, uploaded_file, write_row) -> None:
    """Store the file, then run write_row() in a transaction; delete the file if that fails."""
    field_file = getattr(instance, field_name)
    field_file.save(_base_name(uploaded_file), uploaded_file, save=False)
    try:
        with transaction.atomic():
            write_row()
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise


def _lock_product(product: Product) -> Product:
    # Serialises uploads to one product (PostgreSQL) so the duplicate check holds;
    # SQLite's IMMEDIATE transactions already serialise writers.
    return Product.objects.select_for_update().get(pk=product.pk)


def find_duplicate_document(*, product: Product, sha256: str) -> ProductDocument | None:
    """The product's document with these bytes, if any."""
    return product.documents.filter(sha256=sha256).order_by("pk").first()


def find_duplicate_image(*, product: Product, sha256: str) -> ProductImage | None:
    """The product's gallery image with these bytes, if any (hashes older rows on the way)."""
    _fill_missing_image_hashes(product)
    return product.images.filter(sha256=sha256).order_by("pk").first()


def _fill_missing_image_hashes(product: Product) -> None:
    """Gallery rows saved before hashes were kept get theirs computed once."""
    for image in product.images.filter(sha256=""):
        try:
            with image.image.open("rb") as fileobj:
                _size, digest = services.file_fingerprint(fileobj)
        except OSError:
            logger.warning("Cannot hash missing gallery file %r", image.image.name)
            continue
        ProductImage.objects.filter(pk=image.pk).update(sha256=digest)


def document_upload(*, product: Product, uploaded_file, user=None,
                    allow_duplicate: bool = False) -> ProductDocument:
    """Validate, de-duplicate and store one document of a product; raise ValidationError if refused."""
    _run_field_validators(ProductDocument, "file", uploaded_file)
    document = ProductDocument(product=product, file=uploaded_file)
    document.full_clean(exclude=["file"])
    services.document_fill_metadata(document=document, user=user)
    _refuse_duplicate(find_duplicate_document, product, document.sha256, uploaded_file, allow_duplicate)

    def write_row():
        _lock_product(product)
        _refuse_duplicate(find_duplicate_document, product, document.sha256, uploaded_file,
                          allow_duplicate)
        document.save()

    _store_then_save(document, "file", uploaded_file, write_row)
    return document


def gallery_image_upload(*, product: Product, uploaded_file, user=None,
                         allow_duplicate: bool = False) -> ProductImage:
    """Validate, de-duplicate and store one gallery image at the end of the gallery."""
    _run_field_validators(ProductImage, "image", uploaded_file)
    _size, sha256 = services.file_fingerprint(uploaded_file)
    _refuse_duplicate(find_duplicate_image, product, sha256, uploaded_file, allow_duplicate)
    image = ProductImage(product=product, image=uploaded_file, sha256=sha256)
    image.full_clean(exclude=["image"])

    def write_row():
        _lock_product(product)
        _refuse_duplicate(find_duplicate_image, product, sha256, uploaded_file, allow_duplicate)
        last = product.images.aggregate(last=Max("position"))["last"]
        image.position = 0 if last is None else last + 1
        image.save()
        transaction.on_commit(lambda: thumbnails.warm(image.image))

    _store_then_save(image, "image", uploaded_file, write_row)
    return image


def _refuse_duplicate(finder, product, sha256, uploaded_file, allow_duplicate) -> None:
    if allow_duplicate:
        return
    existing = finder(product=product, sha256=sha256)
    if existing is not None:
        raise DuplicateUpload(_base_name(uploaded_file), existing)


def detect_kind(uploaded_file) -> str:
    """IMAGES when the bytes open as an allowed image format, else DOCUMENTS (routing only)."""
    try:
        imaging.probe(uploaded_file)
    except Exception:  # not an image: the document validators decide what it is
        return DOCUMENTS
    finally:
        uploaded_file.seek(0)
    return IMAGES


def file_upload(*, product: Product | None, uploaded_file, user=None, kind: str | None = None,
                allow_duplicate: bool = False) -> UploadOutcome:
    """Upload one file of either kind and report the outcome instead of raising."""
    name = _base_name(uploaded_file)
    if product is None:
        return UploadOutcome("unmatched", name, str(_("No product matches this file name.")))
    kind = kind or detect_kind(uploaded_file)
    upload = gallery_image_upload if kind == IMAGES else document_upload
    try:
        obj = upload(product=product, uploaded_file=uploaded_file, user=user,
                     allow_duplicate=allow_duplicate)
    except DuplicateUpload as exc:
        return UploadOutcome("duplicate", name, _message(exc), product)
    except ValidationError as exc:
        return UploadOutcome("refused", name, _message(exc), product)
    return UploadOutcome("uploaded", name, "", product, obj)


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
