"""The trash, read side: where a storage's trash is, its batches and their manifests.

Writes (quarantine, restore, purge, manifests) live in mediadmin/services/trash.py. A batch is
`<prefix><batch>/manifest.json` plus `<prefix><batch>/files/<original name>`; the prefix is
MEDIADMIN_TRASH_PREFIX inside the trash storage, with `{alias}` replaced by the audited
storage's alias (on S3: `trash/default/...`, `trash/private/...` in the "trash" storage).
"""
import calendar
import json
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import storages
from django.utils.translation import gettext as _

from ..storage_errors import storage_errors

BATCH_PATTERN = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
MANIFEST = "manifest.json"
FILES = "files/"


@dataclass(frozen=True)
class Trash:
    """Where quarantined files go: a storage and a folder prefix in it (`.trash/`)."""

    storage: object
    prefix: str = ".trash/"

    def folder(self, batch):
        """The folder of one batch."""
        return f"{self.prefix}{batch}/"

    def manifest_name(self, batch):
        """The batch's manifest (what moved, from where, sizes and checksums)."""
        return f"{self.folder(batch)}{MANIFEST}"

    def file_name(self, batch, name):
        """Where the file `name` sits inside a batch."""
        return f"{self.folder(batch)}{FILES}{name}"


def trash_alias():
    """The STORAGES alias holding the trash (MEDIADMIN_TRASH_STORAGE), or None: each storage's own."""
    return getattr(settings, "MEDIADMIN_TRASH_STORAGE", None) or None


def trash_prefix(alias="default"):
    """MEDIADMIN_TRASH_PREFIX with `{alias}` filled in, ending in a slash."""
    prefix = getattr(settings, "MEDIADMIN_TRASH_PREFIX", ".trash/") or ".trash/"
    prefix = prefix.replace("{alias}", alias)
    return prefix if prefix.endswith("/") else prefix + "/"


def trash_for(storage, alias="default"):
    """The trash of the storage of `alias`: in MEDIADMIN_TRASH_STORAGE, or in the storage itself."""
    name = trash_alias()
    return Trash(storages[name] if name else storage, trash_prefix(alias))


def check_batch_id(batch):
    """Return `batch` if it is a well-formed id, else raise ValueError (no path tricks)."""
    if not BATCH_PATTERN.match(batch or ""):
        raise ValueError(f"{batch!r} is not a trash batch id (expected e.g. 20261124T182405Z-1a2b3c).")
    return batch


def read_manifest(trash, batch):
    """A batch's manifest, rebuilt from the batch's files when the manifest is missing."""
    name = trash.manifest_name(batch)
    if trash.storage.exists(name):
        with trash.storage.open(name, "rb") as fh:
            return json.loads(fh.read().decode())
    return {"batch": batch, "created": batch_time(batch), "storage": None,
            "entries": [{"name": n, "trash_name": trash.file_name(batch, n), "size": s}
                        for n, s in _batch_files(trash, batch)]}


def _batch_files(trash, batch):
    base = trash.folder(batch) + FILES
    return [(name[len(base):], trash.storage.size(name)) for name in iter_folder(trash.storage, base)]


def iter_folder(storage, folder):
    """Names of the files under a folder, through the Storage API."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        yield folder + filename
    for dirname in dirs:
        yield from iter_folder(storage, f"{folder}{dirname}/")


def batch_time(batch):
    """The creation time (epoch s) written in a batch id."""
    return calendar.timegm(time.strptime(batch[:16], "%Y%m%dT%H%M%SZ"))


class BatchRefused(ValueError):
    """A batch that cannot be restored or purged here: it does not exist, or came from another storage."""


class UnknownBatch(BatchRefused):
    """The batch id is malformed or names no batch in this trash."""


def checked_manifest(trash, batch, alias=None):
    """The manifest of a batch that may be restored or purged from the storage `alias`.

    The one rule for both: raises UnknownBatch for a malformed id or a batch that does not
    exist, and (given `alias`) BatchRefused for a batch quarantined from another storage
    that shares this trash. A batch whose manifest was lost (origin unknown) is allowed.
    """
    try:
        check_batch_id(batch)
    except ValueError as exc:
        raise UnknownBatch(str(exc)) from None
    manifest = read_manifest(trash, batch)
    if not manifest["entries"] and not trash.storage.exists(trash.manifest_name(batch)):
        raise UnknownBatch(f"No trash batch {batch}.")
    if not manifest["entries"]:
        raise UnknownBatch(f"Trash batch {batch} was restored already: no file is left in it.")
    origin = manifest.get("storage")
    if alias and origin and origin != alias:
        raise BatchRefused(f"Batch {batch} came from the storage {origin!r}, not {alias!r}.")
    return manifest


BATCH_NAMES = 20  # file names a Batch lists (the audit page shows them)


@dataclass(frozen=True)
class Batch:
    """One trash batch: id, creation time, source storage alias, file count and bytes."""

    id: str
    created: float
    storage: str | None
    count: int
    bytes: int
    # The first file names it holds (what staff would bring back), read with the manifest.
    names: tuple = field(default=(), compare=False)

    def as_dict(self):
        """JSON-ready form."""
        return {"id": self.id, "created": self.created, "storage": self.storage,
                "count": self.count, "bytes": self.bytes}


def batch_ids(trash):
    """Every batch folder's id, oldest first, those fully restored included (their manifests remember it)."""
    try:
        dirs, _files = trash.storage.listdir(trash.prefix)
    except FileNotFoundError:
        return []
    return sorted(d for d in dirs if BATCH_PATTERN.match(d))


def batches(trash):
    """The batches holding files, oldest first (StorageUnavailable when the storage cannot be read)."""
    with storage_errors(_("listing the trash batches"), trash.storage):
        found = (_batch(trash, b) for b in batch_ids(trash))
        return [b for b in found if b]


def recently_restored(trash, within, now=None):
    """Names restored from any batch of this trash in the last `within` seconds (manifests' "restored")."""
    cutoff = (now or time.time()) - within
    with storage_errors(_("listing the trash batches"), trash.storage):
        return {record["name"] for batch in batch_ids(trash)
                for record in read_manifest(trash, batch).get("restored", ()) if record["at"] >= cutoff}


def _batch(trash, batch):
    manifest = read_manifest(trash, batch)
    entries = manifest["entries"]
    if not entries:
        return None
    return Batch(batch, manifest.get("created") or batch_time(batch), manifest.get("storage"),
                 len(entries), sum(e.get("size") or 0 for e in entries),
                 tuple(e["name"] for e in entries[:BATCH_NAMES]))
