"""A zip of products' files, produced piece by piece for a streamed response, never in memory."""
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from . import filenames
from .files import CHUNK
from .models import Product, ProductDocument, ProductImage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveEntry:
    """One file to put in the zip: its name inside the archive and where it is stored."""

    arcname: str
    field_file: object


class _Sink:
    """A write-only, unseekable file object that hands over what zipfile wrote so far."""

    def __init__(self):
        self._parts, self._offset = [], 0

    def write(self, data):
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self):
        return self._offset

    def flush(self):
        pass

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _folder(product: Product) -> str:
    # The SKU is typed by staff: no "..", separators, drive colons or controls reach the entry name.
    return filenames.safe_part(product.sku or product.slug, fallback=f"product-{product.pk}")


def _unique(arcname: str, seen: set) -> str:
    stem, dot, ext = arcname.rpartition(".")
    candidate, n = arcname, 2
    while candidate in seen:
        candidate = f"{stem}-{n}.{ext}" if dot else f"{arcname}-{n}"
        n += 1
    seen.add(candidate)
    return candidate


def product_entries(products, *, include_document=None) -> list[ArchiveEntry]:
    """Every main image, document, gallery image and document of the products, with zip names.

    `include_document(document)` (e.g. permissions.may_download_document for the requesting
    user) leaves out the ProductDocuments it refuses; None keeps only the public ones.
    """
    include_document = include_document or (lambda document: document.is_public)
    products = products.prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        Prefetch("documents", queryset=ProductDocument.objects.order_by("id")),
    )
    entries, seen = [], set()
    for product in products:
        folder = _folder(product)
        named = [(f"{folder}/{_basename(product.image)}", product.image),
                 (f"{folder}/{product.document_download_name}", product.document)]
        named += [(f"{folder}/images/{_basename(i.image)}", i.image) for i in product.images.all()]
        named += [(f"{folder}/documents/{d.download_name}", d.file)
                  for d in product.documents.all() if include_document(d)]
        entries += [ArchiveEntry(_unique(name, seen), f) for name, f in named if f]
    return entries


def _basename(field_file) -> str:
    return filenames.safe_part(filenames.basename(field_file.name))


def stream_zip(entries: Iterable[ArchiveEntry]) -> Iterator[bytes]:
    """Yield a zip of the entries in pieces; a file missing from storage is skipped and logged."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for entry in entries:
            yield from filter(None, _write_entry(archive, sink, entry))
    yield sink.drain()


def _write_entry(archive, sink, entry: ArchiveEntry) -> Iterator[bytes]:
    storage, name = entry.field_file.storage, entry.field_file.name
    try:
        # exists() first: remote storages open lazily and would fail mid-entry instead.
        source = storage.open(name, "rb") if storage.exists(name) else None
    except OSError:
        source = None
    if source is None:
        logger.warning("Zip download: %r is missing from storage", entry.field_file.name)
        return
    info = zipfile.ZipInfo(entry.arcname, date_time=timezone.localtime().timetuple()[:6])
    with source, archive.open(info, "w", force_zip64=True) as dest:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            dest.write(chunk)
            yield sink.drain()
    yield sink.drain()


def archive_filename() -> str:
    """Download name of the zip, with the current time."""
    return f"products-{timezone.localtime():%Y%m%d-%H%M}.zip"
