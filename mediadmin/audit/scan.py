"""The storage scan: orphans, stale thumbnails, missing files and totals, in one pass each."""
import contextlib
import fnmatch
import gc
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from . import thumbs
from .listing import StoredFile, existing, iter_batches, top_folder
from .references import RowRef, file_fields, referenced_rows, where_used

PROGRESS_EVERY = 1000
SHARED_DETAIL = 200


@dataclass
class Totals:
    """A count of files and their bytes."""

    count: int = 0
    bytes: int = 0

    def add(self, size):
        """Count one file of `size` bytes."""
        self.count += 1
        self.bytes += size

    def as_dict(self):
        """JSON-ready form."""
        return {"count": self.count, "bytes": self.bytes}


@dataclass(frozen=True)
class StaleThumbnail:
    """A thumbnail in sorl's cache that nothing will ask for again."""

    file: StoredFile
    reason: str
    source: str | None

    def as_dict(self):
        """JSON-ready form."""
        return {**self.file.as_dict(), "reason": self.reason, "source": self.source}


@dataclass
class Report:
    """What a scan of one storage found."""

    started: float
    finished: float = 0.0
    files: Totals = field(default_factory=Totals)
    orphans: list = field(default_factory=list)          # StoredFile, sorted by name
    thumbnails: list = field(default_factory=list)       # StaleThumbnail
    thumbnail_totals: Totals = field(default_factory=Totals)
    missing: list = field(default_factory=list)          # (RowRef, name)
    shared: dict = field(default_factory=dict)           # name -> [RowRef], files used by 2+ rows
    shared_count: int = 0                                # all of them; `shared` holds the first ones
    folders: dict = field(default_factory=lambda: defaultdict(Totals))
    fields: dict = field(default_factory=lambda: defaultdict(Totals))
    ignored: int = 0

    @property
    def orphan_totals(self):
        """Count and bytes of the orphans."""
        return _sum(self.orphans)

    @property
    def stale_totals(self):
        """Count and bytes of the stale thumbnails."""
        return _sum(t.file for t in self.thumbnails)

    def candidates(self, older_than, thumbnails=True):
        """Files that may move to the trash: orphans (and stale thumbnails) older than the grace."""
        cutoff = self.started - older_than
        found = [(f, "orphan", None) for f in self.orphans if f.mtime <= cutoff]
        moving = {f.name for f, _, _ in found}
        if thumbnails:
            # A thumbnail of an orphan that stays (still in its grace period) stays with it.
            found += [(t.file, "thumbnail", t.source) for t in self.thumbnails
                      if t.file.mtime <= cutoff and (t.reason != thumbs.SOURCE_ORPHAN or t.source in moving)]
        return found

    def as_dict(self):
        """JSON-ready form."""
        return {
            "started": self.started, "finished": self.finished, "files": self.files.as_dict(),
            "orphans": [f.as_dict() for f in self.orphans], "orphan_totals": self.orphan_totals.as_dict(),
            "thumbnails": [t.as_dict() for t in self.thumbnails],
            "thumbnail_totals": self.thumbnail_totals.as_dict(),
            "stale_thumbnail_totals": self.stale_totals.as_dict(),
            "missing": [{**ref.as_dict(), "name": name} for ref, name in self.missing],
            "shared": {name: [r.as_dict() for r in refs] for name, refs in self.shared.items()},
            "shared_count": self.shared_count,
            "folders": {k: v.as_dict() for k, v in sorted(self.folders.items())},
            "fields": {k: v.as_dict() for k, v in sorted(self.fields.items())},
            "ignored": self.ignored,
        }


def _sum(files):
    totals = Totals()
    for f in files:
        totals.add(f.size)
    return totals


def ignore_patterns():
    """Names the audit never reports (MEDIADMIN_AUDIT_IGNORE, fnmatch patterns)."""
    return tuple(getattr(settings, "MEDIADMIN_AUDIT_IGNORE", (".gitkeep", "*/.gitkeep")))


def scan(storage, *, skip=(), progress=None, generic=False):
    """Scan `storage` against every FileField that uses it; list first, then read the database.

    Listing before reading the rows means a file whose row commits during the listing is
    seen as referenced; what is still uncertain (a row newer than the read) is caught by
    the grace period and by the re-check right before a move.
    """
    report = Report(started=time.time())
    with _no_cyclic_gc():
        present = _list(storage, report, skip, progress, generic)
        referenced = _read_rows(storage, report, present)
        _classify(storage, report, present, referenced)
    report.finished = time.time()
    return report


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause the cyclic collector while 100,000s of tuples are built; they hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _list(storage, report, skip, progress, generic):
    ignored = _ignore_matcher()
    present, folders, count, size = {}, defaultdict(lambda: [0, 0]), 0, 0
    for folder, batch in iter_batches(storage, skip=skip, generic=generic):
        if ignored:
            kept = [f for f in batch if not ignored(f[0])]
            report.ignored += len(batch) - len(kept)
            batch = kept
        present.update({f[0]: f for f in batch})
        batch_size = sum(f[1] for f in batch)
        if folder is None:  # a mixed batch (a page of S3 keys)
            for f in batch:
                _add(folders[top_folder(f[0])], 1, f[1])
        else:
            _add(folders[folder], len(batch), batch_size)
        before, count = count, count + len(batch)
        size += batch_size
        if progress and count // PROGRESS_EVERY != before // PROGRESS_EVERY:
            progress(count)
    if progress:
        progress(count)
    report.files = Totals(count, size)
    report.folders.update((k, Totals(*v)) for k, v in folders.items() if v[0])
    return present


def _add(totals, count, size):
    totals[0] += count
    totals[1] += size


def _ignore_matcher():
    patterns = ignore_patterns()
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def _read_rows(storage, report, present):
    referenced, shared = set(), set()
    for ref in file_fields(storage):
        count, size, missing = 0, 0, []
        for pk, name in referenced_rows(ref):
            count += 1
            stored = present.get(name)
            if stored is None:
                missing.append((pk, name))
                continue
            size += stored[1]
            if name in referenced:
                shared.add(name)
            referenced.add(name)
        report.fields[ref.label] = Totals(count, size)
        # A file uploaded after its folder was listed looks missing: ask the storage again.
        there = existing(storage, {name for _pk, name in missing})
        report.missing += [(RowRef(ref, pk), name) for pk, name in missing if name not in there]
    # Who uses a shared file costs a query per field: detail the first ones, count them all.
    report.shared_count = len(shared)
    report.shared = {name: where_used(storage, name) for name in sorted(shared)[:SHARED_DETAIL]}
    return referenced


def _classify(storage, report, present, referenced):
    cache = thumbs.prefix() if thumbs.stores_thumbnails(storage) else None
    orphans = [StoredFile(*f) for name, f in present.items()
               if name not in referenced and not (cache and name.startswith(cache))]
    orphans.sort()
    report.orphans = orphans
    if cache:
        _classify_thumbnails(report, present, {f.name for f in orphans}, cache)


def _classify_thumbnails(report, present, orphaned, cache):
    sources = thumbs.thumbnail_sources()
    for name, stored in present.items():
        if not name.startswith(cache):
            continue
        report.thumbnail_totals.add(stored[1])
        reason = thumbs.stale_reason(name, sources, present, orphaned)
        if reason:
            report.thumbnails.append(StaleThumbnail(StoredFile(*stored), reason, sources.get(name)))
    report.thumbnails.sort(key=lambda t: t.file.name)
