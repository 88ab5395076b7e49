"""Benchmark of the storage audit against its floor: `find MEDIA_ROOT -type f` plus reading the names.

    python bench/bench_audit.py              # 100,000 files and 100,000 rows
    python bench/bench_audit.py --files 20000 --repeat 3
    python bench/bench_audit.py --before bc6a355   # the earlier scan to compare with (default)

Builds a throw-away MEDIA_ROOT and SQLite database in a temporary folder (under --dir): N files in three
upload folders (95 % referenced, 5 % orphans) and N product rows (95 % pointing at those
files, 5 % at files that are missing). Then, in the same run and interleaved, it times

  baseline  `find MEDIA_ROOT -type f` + loading every file name from the database
  audit     mediadmin.audit.scan() (fast local path: one stat per file)
  before    the scan of commit --before (its scan, listing and findwalk modules read with
            `git show` and imported beside the current ones), on the same files and rows
  generic   the same scans through the plain Storage API (listdir + size + mtime per file)

and prints each as a ratio to the baseline, the current scan against the earlier one (ratio
of medians and median of the per-round ratios), the peak memory the audit allocates
(tracemalloc, in a separate run so it does not slow the timed ones) and the process's RSS.
"""
import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from pathlib import Path

FOLDERS = ("product_images", "product_gallery", "documents")
REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BEFORE = "bc6a355"  # the audit before its listing became one interface with backends
BEFORE_MODULES = ("listing", "findwalk", "scan")  # of mediadmin/audit/ at that commit


def setup_django(tmp):
    """Configure Django on a temporary MEDIA_ROOT and SQLite database."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "mediadmin.settings"
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def populate(root, n):
    """Write n small files under root and n product rows (5 % orphans, 5 % missing)."""
    from mediadmin.models import Product

    referenced = int(n * 0.95)
    names = []
    for i in range(n):
        folder = f"{FOLDERS[i % 3]}/{i % 200:03d}"
        names.append(f"{folder}/file-{i:07d}.jpg")
    for folder in {name.rsplit("/", 1)[0] for name in names}:
        (root / folder).mkdir(parents=True, exist_ok=True)
    # Hard links to one small file: a directory entry per name (what find and the scan read)
    # without writing 100,000 inodes, which takes minutes on a slow virtual disk.
    # One template per folder and per 50,000 names keeps under the file system's link limit.
    templates = {}
    for i, name in enumerate(names):
        key = (name.split("/", 1)[0], i // 50_000)
        if key not in templates:
            templates[key] = root / f"template-{len(templates)}.bin"
            templates[key].write_bytes(b"x" * (128 << len(templates)))
        os.link(templates[key], root / name)
    for template in templates.values():
        template.unlink()
    rows = [Product(name=f"P{i}", slug=f"p{i}",
                    image=names[i] if i < referenced else f"product_images/missing-{i}.jpg")
            for i in range(n)]
    Product.objects.bulk_create(rows, batch_size=5000)


def baseline(root, sizes=False):
    """`find -type f` plus every file name from the database: the least any audit must do.

    With `sizes`, find also prints each file's size and time (one stat per file, as the audit).
    """
    from mediadmin.audit import file_fields

    start = time.perf_counter()
    cmd = ["find", str(root), "-type", "f"] + (["-printf", "%s %T@ %P\n"] if sizes else [])
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    files = out.count(b"\n")
    names = 0
    for ref in file_fields():
        rows = ref.rows().values_list(ref.field.attname, flat=True)
        names += sum(1 for _ in rows.iterator(chunk_size=5000))
    return time.perf_counter() - start, files, names


def import_before(commit, folder):
    """The scan function of `commit`, imported from its sources as package `mediadmin._audit_before`.

    Its listing, findwalk and scan modules are written to `folder` from `git show`; what they
    import from the rest of the audit (references, thumbs) is today's, unchanged by this work.
    """
    from mediadmin.audit import references, thumbs

    folder.mkdir()
    for name in BEFORE_MODULES:
        source = subprocess.run(["git", "show", f"{commit}:mediadmin/audit/{name}.py"], cwd=REPO,
                                check=True, capture_output=True).stdout
        (folder / f"{name}.py").write_bytes(source)
    package = types.ModuleType("mediadmin._audit_before")
    package.__path__ = [str(folder)]
    package.references, package.thumbs = references, thumbs
    sys.modules.update({package.__name__: package, f"{package.__name__}.references": references,
                        f"{package.__name__}.thumbs": thumbs})
    return importlib.import_module(f"{package.__name__}.scan").scan


def timed_scan(generic=False, scan=None):
    """Seconds of one full scan of the default storage, and the report (`scan`: another version)."""
    from django.core.files.storage import default_storage

    if scan is None:
        from mediadmin.audit import scan

    start = time.perf_counter()
    report = scan(default_storage, skip=[".trash/"], generic=generic)
    return time.perf_counter() - start, report


def parts():
    """Seconds of the scan's two halves alone: listing the storage, reading (pk, name) rows."""
    from django.core.files.storage import default_storage

    from mediadmin.audit.listing import lister_for
    from mediadmin.audit.references import file_fields, referenced_rows

    start = time.perf_counter()
    for _folder, _batch in lister_for(default_storage).batches(skip=[".trash/"]):
        pass
    middle = time.perf_counter()
    for ref in file_fields(default_storage):
        for _row in referenced_rows(ref):
            pass
    return middle - start, time.perf_counter() - middle


def peak_memory():
    """Peak bytes allocated by Python during one scan (tracemalloc)."""
    tracemalloc.start()
    timed_scan()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def scan_process_rss(tmp):
    """Peak RSS in bytes of a fresh process that sets Django up on `tmp` and scans once."""
    out = subprocess.run([sys.executable, __file__, "--scan-only", str(tmp)], check=True,
                         capture_output=True, text=True).stdout
    return int(out.split()[-1])


def scan_only(tmp):
    """Child process of scan_process_rss: print its own peak RSS after one scan."""
    setup_django(Path(tmp))
    timed_scan()
    # VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across fork + exec.
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    print(int(hwm.split()[1]) * 1024)


def main():
    """Build the data, run the timings interleaved, print the table."""
    if len(sys.argv) == 3 and sys.argv[1] == "--scan-only":
        return scan_only(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100_000, help="files and rows (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (median is reported)")
    parser.add_argument("--no-generic", action="store_true", help="skip the plain Storage API walk")
    parser.add_argument("--before", default=BEFORE, help=f"commit whose scan is compared (default {BEFORE}); "
                        "'' to leave it out")
    parser.add_argument("--dir", default=str(RESULTS), help="where the throw-away data goes "
                        "(default bench/results/, git-ignored)")
    args = parser.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-audit-", dir=args.dir) as tmp:
        tmp = Path(tmp)
        (tmp / "media").mkdir()
        setup_django(tmp)
        t0 = time.perf_counter()
        populate(tmp / "media", args.files)
        print(f"Built {args.files:,} files and {args.files:,} rows in {time.perf_counter() - t0:.1f} s")
        before = import_before(args.before, tmp / "audit_before") if args.before else None
        run(tmp / "media", args, before)


def run(root, args, before=None):
    """Interleave baseline and audit runs so all see the same cache state and machine load.

    The current and the earlier scan (`before`) alternate which goes first in each round.
    """
    times = {k: [] for k in ("base", "base_stat", "fast", "before", "generic", "generic_before", "listing",
                             "rows")}
    for round_ in range(args.repeat):
        seconds, files, names = baseline(root)
        times["base"].append(seconds)
        times["base_stat"].append(baseline(root, sizes=True)[0])
        report, checked = scans(times, round_, args, before)
        listing, rows = parts()
        times["listing"].append(listing)
        times["rows"].append(rows)
    peak = peak_memory()
    rss = scan_process_rss(root.parent)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"find + DB names: {files:,} files, {names:,} names; median of {args.repeat} interleaved runs")
    print(f"report: {report.files.count:,} files, {len(report.orphans):,} orphans, "
          f"{len(report.missing):,} missing" + (f"; same as {args.before}'s: {checked}" if before else ""))
    rows = [("baseline: find -type f + DB names", "base"),
            ("find -printf size,time + DB names", "base_stat"),
            ("audit scan (fast path)", "fast"), (f"audit scan before ({args.before})", "before"),
            ("  of which: listing + stat", "listing"),
            ("  of which: reading (pk, name) rows", "rows"), ("audit scan (Storage API listdir)", "generic"),
            (f"Storage API scan before ({args.before})", "generic_before")]
    print(f"{'':40}{'median s':>10}{'× baseline':>12}")
    for label, key in rows:
        if key in med:
            print(f"{label:40}{med[key]:>10.3f}{med[key] / med['base']:>12.2f}")
    if before:
        compare(times, med, args.before)
    print(f"peak memory of a scan (tracemalloc): {peak / 2**20:.1f} MiB; max RSS of a process that "
          f"only starts Django and scans: {rss / 2**20:.1f} MiB")


def scans(times, round_, args, before):
    """One round of the scans, the current one and `before` alternating which goes first.

    Returns the current report and whether the earlier scan's report was the same.
    """
    versions = [("", None)] + ([("_before", before)] if before else [])
    if round_ % 2:
        versions.reverse()
    reports = {}
    for suffix, scan in versions:
        seconds, reports[suffix] = timed_scan(scan=scan)
        times["fast" if not suffix else "before"].append(seconds)
    for suffix, scan in [] if args.no_generic else versions:
        times[f"generic{suffix}"].append(timed_scan(generic=True, scan=scan)[0])
    checked = not before or _comparable(reports[""]) == _comparable(reports["_before"])
    return reports[""], checked


def _comparable(report):
    """A report as a dict without its start and end times."""
    return {k: v for k, v in report.as_dict().items() if k not in ("started", "finished")}


def compare(times, med, commit):
    """Print the current scan against the earlier one, side by side in this run."""
    for key, label in (("", "fast path"), ("generic", "Storage API")):
        now, then = times[key or "fast"], times[f"{key}_before" if key else "before"]
        if not now or not then:
            continue
        rounds = [a / b for a, b in zip(now, then, strict=True)]
        ratio_now, ratio_then = statistics.median(now) / med["base"], statistics.median(then) / med["base"]
        print(f"{label}: {ratio_now:.2f}× baseline now, {ratio_then:.2f}× with {commit}'s scan; now / then "
              f"{ratio_now / ratio_then:.3f} (of the medians), {statistics.median(rounds):.3f} (median of the "
              f"per-round ratios, {min(rounds):.2f}–{max(rounds):.2f})")
        print("  seconds per round, now:  " + " ".join(f"{t:.3f}" for t in now))
        print("  seconds per round, then: " + " ".join(f"{t:.3f}" for t in then))


if __name__ == "__main__":
    main()
