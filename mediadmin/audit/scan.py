"""The storage scan: orphans, stale thumbnails, missing files and totals, in one pass each."""
import fnmatch
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from . import thumbs
from .listing import StoredFile, iter_files
from .references import RowRef, iter_referenced, where_used

PROGRESS_EVERY = 1000


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


def folder_of(name):
    """The top-level folder of a stored name ("" for a file at the root)."""
    return name.split("/", 1)[0] if "/" in name else ""


def scan(storage, *, skip=(), progress=None, generic=False):
    """Scan `storage` against every FileField that uses it; list first, then read the database.

    Listing before reading the rows means a file whose row commits during the listing is
    seen as referenced; what is still uncertain (a row newer than the read) is caught by
    the grace period and by the re-check right before a move.
    """
    report = Report(started=time.time())
    present = _list(storage, report, skip, progress, generic)
    referenced = _read_rows(storage, report, present)
    _classify(storage, report, present, referenced)
    report.finished = time.time()
    return report


def _list(storage, report, skip, progress, generic):
    patterns, present = ignore_patterns(), {}
    for stored in iter_files(storage, skip=skip, generic=generic):
        if patterns and any(fnmatch.fnmatchcase(stored.name, p) for p in patterns):
            report.ignored += 1
            continue
        present[stored.name] = stored
        report.files.add(stored.size)
        report.folders[folder_of(stored.name)].add(stored.size)
        if progress and report.files.count % PROGRESS_EVERY == 0:
            progress(report.files.count)
    if progress:
        progress(report.files.count)
    return present


def _read_rows(storage, report, present):
    referenced, shared, missing = set(), set(), []
    for ref, pk, name in iter_referenced(storage):
        stored = present.get(name)
        if stored is None:
            missing.append((ref, pk, name))
            report.fields[ref.label].add(0)
            continue
        report.fields[ref.label].add(stored.size)
        if name in referenced:
            shared.add(name)
        referenced.add(name)
    # A file uploaded after its folder was listed looks missing: ask the storage again.
    report.missing = [(RowRef(ref, pk), name) for ref, pk, name in missing if not storage.exists(name)]
    report.shared = {name: where_used(storage, name) for name in sorted(shared)}
    return referenced


def _classify(storage, report, present, referenced):
    cache = thumbs.prefix() if thumbs.stores_thumbnails(storage) else None
    orphans = [f for name, f in present.items()
               if name not in referenced and not (cache and name.startswith(cache))]
    orphans.sort(key=lambda f: f.name)
    report.orphans = orphans
    if cache:
        _classify_thumbnails(report, present, {f.name for f in orphans}, cache)


def _classify_thumbnails(report, present, orphaned, cache):
    sources = thumbs.thumbnail_sources()
    for name, stored in present.items():
        if not name.startswith(cache):
            continue
        report.thumbnail_totals.add(stored.size)
        reason = thumbs.stale_reason(name, sources, present, orphaned)
        if reason:
            report.thumbnails.append(StaleThumbnail(stored, reason, sources.get(name)))
    report.thumbnails.sort(key=lambda t: t.file.name)
