"""Trash writes: orphans move into a batch, come back byte for byte, and go for good later.

Every file is copied, checked and only then deleted; nothing is ever deleted outright. The
read side (where the trash is, batches, manifests, the batch check) is mediadmin/audit/trash.py.
A storage error (S3 refusing, no bucket, endpoint unreachable) raises StorageUnavailable with
a plain message (mediadmin/storage_errors.py); a batch interrupted by one keeps a manifest of
what already moved. No database row is written, so no transaction is opened here.
"""
import json
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from ..audit import orphan_grace, storage_for, thumbs
from ..audit.references import referenced_names
from ..audit.trash import batch_ids, batches, checked_manifest, iter_folder, read_manifest, recently_restored, trash_for
from ..files import stored_fingerprint
from ..storage_errors import is_storage_wide, storage_errors
from ..thumbnails import sorl_adapter
from . import activity

logger = logging.getLogger(__name__)


def new_batch_id(now=None):
    """A sortable, unique batch id such as `20261124T182405Z-1a2b3c`."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now or time.time()))
    return f"{stamp}-{secrets.token_hex(3)}"


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


# Files per step of a move: each step re-checks its files against the database with one query
# per file field (not one per file), before the copy and again right before the originals go.
CHUNK = 100


def _needed(storage, candidates):
    """Names of the candidates that rows still need: files and thumbnails' sources referenced, in bulk.

    A thumbnail without a known source is needed while sorl's key-value store records it.
    """
    checked = {stored.name: (source if kind == "thumbnail" else stored.name) for stored, kind, source in candidates}
    referenced = referenced_names(storage, [ref for ref in checked.values() if ref])
    return {name for name, ref in checked.items() if (ref in referenced if ref else thumbs.is_known(name))}


def _changed(storage, stored):
    """True when the file is gone or was written again since the scan listed it."""
    try:
        mtime = storage.get_modified_time(stored.name).timestamp()
    except (FileNotFoundError, OSError):
        return True
    return abs(mtime - stored.mtime) > 1.0  # S3's HEAD has whole seconds, its listing milliseconds


def _copy_one(storage, trash, batch, stored, kind, source):
    """Copy and verify one file into the batch (the original stays); the entry or a reason."""
    if not storage.exists(stored.name) or _changed(storage, stored):
        return None, "changed-or-gone"
    checksum = sha256_of(storage, stored.name)
    saved = _copy(storage, stored.name, trash.storage, trash.file_name(batch, stored.name))
    if trash.storage.size(saved) != storage.size(stored.name):
        trash.storage.delete(saved)
        return None, "copy-failed"
    return {"name": stored.name, "trash_name": saved, "size": stored.size, "mtime": stored.mtime,
            "sha256": checksum, "kind": kind, "source": source}, None


def _guarded(step, name, *args):
    """Run one file's step; a storage-wide error stops the batch, any other one skips just that file."""
    try:
        return step(*args)
    except Exception as exc:
        if is_storage_wide(exc):  # every other file would fail the same way: stop the batch
            raise
        logger.warning("Could not move %s to the trash", name, exc_info=True)
        return None, f"error: {exc}"  # one unreadable file must not stop the batch


def _checked_needs(storage, candidates, result):
    """_needed(), or None (every candidate skipped with the reason) when the database cannot say."""
    try:
        return _needed(storage, candidates)
    except Exception as exc:
        if is_storage_wide(exc):
            raise
        logger.warning("Could not check %d files against the database", len(candidates), exc_info=True)
        result.skipped.extend((stored.name, f"error: {exc}") for stored, _kind, _source in candidates)
        return None


def _move_chunk(storage, trash, result, chunk):
    """Re-check, copy and verify, re-check again, then delete the originals of one chunk of candidates."""
    needed = _checked_needs(storage, chunk, result)
    if needed is None:
        return
    copied = []
    try:
        for candidate in chunk:
            name = candidate[0].name
            entry, reason = (None, "referenced") if name in needed else _guarded(
                _copy_one, name, storage, trash, result.batch, *candidate)
            if entry:
                copied.append((candidate, entry))
            else:
                result.skipped.append((name, reason))
        _delete_originals(storage, trash, result, copied)
    except BaseException:  # the batch stops (storage-wide error): copies whose original stays leave the trash
        done = {id(entry) for entry in result.done}
        _drop_copies(storage, trash, [entry for _candidate, entry in copied if id(entry) not in done])
        raise


def _drop_copies(storage, trash, entries):
    # Only where the original is surely still there: one whose delete failed half-way keeps its copy.
    for entry in entries:
        try:
            if storage.exists(entry["name"]):
                trash.storage.delete(entry["trash_name"])
        except Exception:  # the storage is failing: a stray copy, never a lost file
            logger.warning("Could not remove the copy %s from the trash", entry["trash_name"], exc_info=True)


def _delete_originals(storage, trash, result, copied):
    # A row may have appeared while the files were copied: checked again right before the originals go.
    needed = _checked_needs(storage, [candidate for candidate, _entry in copied], result)
    if needed is None:
        for _candidate, entry in copied:
            trash.storage.delete(entry["trash_name"])
        return
    moved = []
    for _candidate, entry in copied:
        name = entry["name"]
        if name in needed:
            trash.storage.delete(entry["trash_name"])
            result.skipped.append((name, "referenced"))
            continue
        done, reason = _guarded(_delete_original, name, storage, entry)
        if done or _gone(storage, name):  # deleted despite the error: its copy is its only one
            result.done.append(entry)
            moved.append(name)
        else:
            trash.storage.delete(entry["trash_name"])
            result.skipped.append((name, reason))
    sorl_adapter.drop_entries_many(moved, storage)


def _delete_original(storage, entry):
    storage.delete(entry["name"])
    return entry, None


def _gone(storage, name):
    try:
        return not storage.exists(name)
    except Exception:
        return True  # unknown: its copy stays in the batch (a restore finds the name taken, nothing lost)


def quarantine(storage, candidates, *, alias="default", trash=None, progress=None):
    """Move (StoredFile, kind, source) candidates into a new trash batch; never delete outright."""
    trash = trash or trash_for(storage, alias)
    if not candidates:
        return MoveResult(None)  # nothing to move: no batch is made, none is named
    result = MoveResult(new_batch_id())
    with storage_errors(_("moving files to the trash"), trash.storage):
        try:
            for start in range(0, len(candidates), CHUNK):
                _move_chunk(storage, trash, result, candidates[start:start + CHUNK])
                if progress:
                    progress(min(start + CHUNK, len(candidates)))
        finally:
            if result.done:
                write_manifest(trash, result.batch, {"batch": result.batch, "created": time.time(),
                                                     "storage": alias, "entries": result.done})
                activity.record_trash(activity.TRASH_MOVE, [e["name"] for e in result.done], result.batch)
    # DEBUG: the command and the audit page report the move themselves (once).
    logger.debug("Quarantined %d files into trash batch %s", len(result.done), result.batch)
    return result


def quarantine_orphans(report, *, alias="default", older_than=None, names=None, thumbnails=True,
                       progress=None):
    """Move a report's orphans (and stale thumbnails) past the grace period into a trash batch.

    `names` limits the move to those files; each one is checked against the database again
    right before it moves.
    """
    older_than = orphan_grace() if older_than is None else older_than
    storage = storage_for(alias)
    # A file restored within the grace period keeps its old modification time, so only its
    # restore record (in the batch manifest) keeps it from moving straight back.
    restored = recently_restored(trash_for(storage, alias), older_than)
    candidates = [c for c in report.candidates(older_than, thumbnails=thumbnails) if c[0].name not in restored]
    if names is not None:
        wanted = set(names)
        candidates = [c for c in candidates if c[0].name in wanted]
    return quarantine(storage, candidates, alias=alias, progress=progress)


def write_manifest(trash, batch, data):
    """Write (or replace) a batch's manifest."""
    name = trash.manifest_name(batch)
    if trash.storage.exists(name):
        trash.storage.delete(name)
    trash.storage.save(name, ContentFile(json.dumps(data, indent=1).encode()))


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
    _keep_modification_time(storage, name, entry.get("mtime"))
    trash.storage.delete(trash_name)
    return None


def _keep_modification_time(storage, name, mtime):
    # A restored file is as old as it was, not new: on local disk its time is set back. S3 sets
    # LastModified itself; the restore record keeps such a file out of the next move meanwhile.
    if mtime and isinstance(storage, FileSystemStorage):
        os.utime(storage.path(name), (mtime, mtime))


def restore(storage, batch, *, trash=None, alias=None):
    """Put every file of a batch back under its original name; conflicts stay in the trash.

    Refused (checked_manifest) for an unknown batch or one from another storage than `alias`.
    """
    trash = trash or trash_for(storage, alias or "default")
    with storage_errors(_("restoring trash batch %(batch)s") % {"batch": batch}, trash.storage):
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
        _finish_batch(trash, batch, manifest, left, result.done)
        activity.record_trash(activity.TRASH_RESTORE, [e["name"] for e in result.done], batch)
    logger.debug("Restored %d files from trash batch %s", len(result.done), batch)
    return result


def _finish_batch(trash, batch, manifest, left, restored):
    # The manifest stays, even when every file went back: its "restored" records keep those
    # files out of the next --delete for the grace period; purge removes it with the batch.
    now = time.time()
    records = [*manifest.get("restored", ()), *({"name": e["name"], "at": now} for e in restored)]
    write_manifest(trash, batch, {**manifest, "entries": left, "restored": records})


def purge(trash, *, older_than=None, batch=None, now=None, alias=None):
    """Delete for good the batches older than `older_than` seconds, or the one batch named.

    The batch named goes through the same check as a restore (checked_manifest): unknown or
    from another storage than `alias`, it is refused. By age, given `alias`, only that
    storage's batches (and those of unknown origin) are chosen.
    """
    now = now or time.time()
    with storage_errors(_("purging trash batches"), trash.storage):
        if batch is not None:  # an empty id is refused, never read as "every batch"
            checked_manifest(trash, batch, alias)
        chosen = [b for b in batches(trash)
                  if (b.id == batch if batch is not None else now - b.created >= (older_than or 0))
                  and not (alias and b.storage and b.storage != alias)]
        for b in chosen:
            activity.record_trash(activity.TRASH_PURGE, _entry_names(trash, b.id), b.id)
            _delete_batch(trash, b.id)
        if batch is None:
            _purge_restore_records(trash, now - (older_than or 0))
    logger.debug("Purged trash batches %s", ", ".join(b.id for b in chosen) or "(none)")
    return chosen


def _entry_names(trash, batch):
    return [entry["name"] for entry in read_manifest(trash, batch)["entries"]]


def _purge_restore_records(trash, cutoff):
    # Folders left with a manifest only (every file restored), once their last restore is old.
    for batch_id in batch_ids(trash):
        manifest = read_manifest(trash, batch_id)
        if not manifest["entries"] and all(r["at"] < cutoff for r in manifest.get("restored", ())):
            _delete_batch(trash, batch_id)


def _delete_batch(trash, batch):
    for name in list(iter_folder(trash.storage, trash.folder(batch))):
        trash.storage.delete(name)
    if isinstance(trash.storage, FileSystemStorage):
        # Local disk keeps the empty folders; remove them so the batch is gone.
        shutil.rmtree(trash.storage.path(trash.folder(batch)), ignore_errors=True)
