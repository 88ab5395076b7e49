"""Quarantine: orphans move into a trash batch, come back byte for byte, and go for good later."""
import calendar
import json
import logging
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, storages

from . import thumbs
from ..files import stored_fingerprint
from ..services import activity  # the history lines; these writes move to services/trash.py
from ..thumbnails import sorl_adapter
from .references import is_referenced

logger = logging.getLogger(__name__)

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


def trash_for(storage):
    """The trash of a storage: MEDIADMIN_TRASH_STORAGE (an alias) or the storage itself."""
    alias = getattr(settings, "MEDIADMIN_TRASH_STORAGE", None)
    prefix = getattr(settings, "MEDIADMIN_TRASH_PREFIX", ".trash/") or ".trash/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    return Trash(storages[alias] if alias else storage, prefix)


def new_batch_id(now=None):
    """A sortable, unique batch id such as `20261124T182405Z-1a2b3c`."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now or time.time()))
    return f"{stamp}-{secrets.token_hex(3)}"


def check_batch_id(batch):
    """Return `batch` if it is a well-formed id, else raise ValueError (no path tricks)."""
    if not BATCH_PATTERN.match(batch or ""):
        raise ValueError(f"{batch!r} is not a trash batch id (expected e.g. 20261124T182405Z-1a2b3c).")
    return batch


def sha256_of(storage, name):
    """SHA-256 hex digest of a stored file, read in chunks."""
    return stored_fingerprint(storage, name)[1]


def _copy(src, name, dst, dst_name):
    with src.open(name, "rb") as fh:
        return dst.save(dst_name, File(fh, name=dst_name.rsplit("/", 1)[-1]))


@dataclass
class MoveResult:
    """What a quarantine or restore did: the batch, entries done and names skipped with why."""

    batch: str
    done: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (name, reason)

    def as_dict(self):
        """JSON-ready form."""
        return {"batch": self.batch, "done": self.done,
                "skipped": [{"name": n, "reason": r} for n, r in self.skipped]}


def _still_needed(storage, name, kind, source):
    if kind == "thumbnail":
        return is_referenced(storage, source) if source else thumbs.is_known(name)
    return is_referenced(storage, name)


def _changed(storage, stored):
    """True when the file is gone or was written again since the scan listed it."""
    try:
        mtime = storage.get_modified_time(stored.name).timestamp()
    except (FileNotFoundError, OSError):
        return True
    return abs(mtime - stored.mtime) > 1.0  # S3's HEAD has whole seconds, its listing milliseconds


def _move_one(storage, trash, batch, stored, kind, source):
    """Copy, verify, re-check the database, then delete the original; the entry or a reason."""
    if _still_needed(storage, stored.name, kind, source):
        return None, "referenced"
    if not storage.exists(stored.name) or _changed(storage, stored):
        return None, "changed-or-gone"
    checksum = sha256_of(storage, stored.name)
    saved = _copy(storage, stored.name, trash.storage, trash.file_name(batch, stored.name))
    if trash.storage.size(saved) != storage.size(stored.name):
        trash.storage.delete(saved)
        return None, "copy-failed"
    if _still_needed(storage, stored.name, kind, source):  # a row may have appeared meanwhile
        trash.storage.delete(saved)
        return None, "referenced"
    storage.delete(stored.name)
    sorl_adapter.drop_entries(stored.name, storage)
    return {"name": stored.name, "trash_name": saved, "size": stored.size, "mtime": stored.mtime,
            "sha256": checksum, "kind": kind, "source": source}, None


def quarantine(storage, candidates, *, alias="default", trash=None, progress=None):
    """Move (StoredFile, kind, source) candidates into a new trash batch; never delete outright."""
    trash = trash or trash_for(storage)
    result = MoveResult(new_batch_id())
    try:
        for index, (stored, kind, source) in enumerate(candidates, 1):
            try:
                entry, reason = _move_one(storage, trash, result.batch, stored, kind, source)
            except Exception as exc:  # one unreadable file must not stop the batch
                logger.warning("Could not move %s to the trash", stored.name, exc_info=True)
                entry, reason = None, f"error: {exc}"
            if entry:
                result.done.append(entry)
            else:
                result.skipped.append((stored.name, reason))
            if progress:
                progress(index)
    finally:
        if result.done:
            write_manifest(trash, result.batch, {"batch": result.batch, "created": time.time(),
                                                 "storage": alias, "entries": result.done})
        activity.record_trash(activity.Action.TRASH_MOVE, [e["name"] for e in result.done], result.batch)
    logger.info("Quarantined %d files into trash batch %s", len(result.done), result.batch)
    return result


def write_manifest(trash, batch, data):
    """Write (or replace) a batch's manifest."""
    name = trash.manifest_name(batch)
    if trash.storage.exists(name):
        trash.storage.delete(name)
    trash.storage.save(name, ContentFile(json.dumps(data, indent=1).encode()))


def read_manifest(trash, batch):
    """A batch's manifest, rebuilt from the batch's files when the manifest is missing."""
    name = trash.manifest_name(batch)
    if trash.storage.exists(name):
        with trash.storage.open(name, "rb") as fh:
            return json.loads(fh.read().decode())
    return {"batch": batch, "created": _batch_time(batch), "storage": None,
            "entries": [{"name": n, "trash_name": trash.file_name(batch, n), "size": s}
                        for n, s in _batch_files(trash, batch)]}


def _batch_files(trash, batch):
    base = trash.folder(batch) + FILES
    return [(name[len(base):], trash.storage.size(name)) for name in _iter_folder(trash.storage, base)]


def _iter_folder(storage, folder):
    """Names of the files under a folder, through the Storage API."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        yield folder + filename
    for dirname in dirs:
        yield from _iter_folder(storage, f"{folder}{dirname}/")


def _batch_time(batch):
    return calendar.timegm(time.strptime(batch[:16], "%Y%m%dT%H%M%SZ"))


def _restore_one(storage, trash, entry):
    name, trash_name = entry["name"], entry["trash_name"]
    if not trash.storage.exists(trash_name):
        return "gone-from-trash"
    if storage.exists(name):
        return "name-taken"
    saved = _copy(trash.storage, trash_name, storage, name)
    if saved != name or (entry.get("sha256") and sha256_of(storage, saved) != entry["sha256"]):
        storage.delete(saved)
        return "copy-failed"
    trash.storage.delete(trash_name)
    return None


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
    origin = manifest.get("storage")
    if alias and origin and origin != alias:
        raise BatchRefused(f"Batch {batch} came from the storage {origin!r}, not {alias!r}.")
    return manifest


def restore(storage, batch, *, trash=None, alias=None):
    """Put every file of a batch back under its original name; conflicts stay in the trash.

    Refused (checked_manifest) for an unknown batch or one from another storage than `alias`.
    """
    trash = trash or trash_for(storage)
    manifest = checked_manifest(trash, batch, alias)
    result, left = MoveResult(batch), []
    for entry in manifest["entries"]:
        reason = _restore_one(storage, trash, entry)
        if reason:
            result.skipped.append((entry["name"], reason))
            if reason != "gone-from-trash":
                left.append(entry)
        else:
            result.done.append(entry)
    _finish_batch(trash, batch, manifest, left)
    activity.record_trash(activity.Action.TRASH_RESTORE, [e["name"] for e in result.done], batch)
    logger.info("Restored %d files from trash batch %s", len(result.done), batch)
    return result


def _finish_batch(trash, batch, manifest, left):
    if left:
        write_manifest(trash, batch, {**manifest, "entries": left})
    else:
        _delete_batch(trash, batch)


@dataclass(frozen=True)
class Batch:
    """One trash batch: id, creation time, source storage alias, file count and bytes."""

    id: str
    created: float
    storage: str | None
    count: int
    bytes: int

    def as_dict(self):
        """JSON-ready form."""
        return {"id": self.id, "created": self.created, "storage": self.storage,
                "count": self.count, "bytes": self.bytes}


def batches(trash):
    """The batches in a trash, oldest first."""
    try:
        dirs, _ = trash.storage.listdir(trash.prefix)
    except FileNotFoundError:
        return []
    found = []
    for batch in sorted(d for d in dirs if BATCH_PATTERN.match(d)):
        manifest = read_manifest(trash, batch)
        entries = manifest["entries"]
        if entries:
            found.append(Batch(batch, manifest.get("created") or _batch_time(batch),
                               manifest.get("storage"), len(entries),
                               sum(e.get("size") or 0 for e in entries)))
    return found


def purge(trash, *, older_than=None, batch=None, now=None, alias=None):
    """Delete for good the batches older than `older_than` seconds, or the one batch named.

    The batch named goes through the same check as a restore (checked_manifest): unknown or
    from another storage than `alias`, it is refused. By age, given `alias`, only that
    storage's batches (and those of unknown origin) are chosen.
    """
    now = now or time.time()
    if batch is not None:  # an empty id is refused, never read as "every batch"
        checked_manifest(trash, batch, alias)
    chosen = [b for b in batches(trash)
              if (b.id == batch if batch is not None else now - b.created >= (older_than or 0))
              and not (alias and b.storage and b.storage != alias)]
    for b in chosen:
        activity.record_trash(activity.TRASH_PURGE, [e["name"] for e in read_manifest(trash, b.id)["entries"]], b.id)
        _delete_batch(trash, b.id)
    logger.info("Purged trash batches %s", ", ".join(b.id for b in chosen) or "(none)")
    return chosen


def _delete_batch(trash, batch):
    for name in list(_iter_folder(trash.storage, trash.folder(batch))):
        trash.storage.delete(name)
    if isinstance(trash.storage, FileSystemStorage):
        # Local disk keeps the empty folders; remove them so the batch is gone.
        shutil.rmtree(trash.storage.path(trash.folder(batch)), ignore_errors=True)
