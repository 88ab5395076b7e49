"""Benchmark: every size and variant mediadmin makes for one 12 MP camera JPEG, next to django-pictures.

mediadmin side: `thumbnails.warm(field_file)` with the production settings (mediadmin.settings:
the six named sizes plus every MEDIADMIN_RESPONSIVE_SIZES variant, AVIF, WebP and JPEG at each
width), i.e. everything the public and admin pages need, as the task makes it after commit.

django-pictures side (1.8.0, installed in bench/.venv-peers only: `make bench-env`): what its
PictureField makes when the same image is saved, with its defaults (container 1200 px, 12 grid
columns, pixel densities 1 and 2: 18 widths) in AVIF and WebP, for the three shapes mediadmin's
public pages use (the image's own ratio for `detail`, 4/3 for `card`, 1/1 for `gallery`): 108
files, made by its own `process_picture` at Pillow's default encoder settings.

Each measurement runs in a fresh child process (mediadmin's in the project's venv, django-pictures'
in bench/.venv-peers), alternating sides, `repeat` times; the child reports the wall time of the
work and its peak RSS (ru_maxrss, the honest figure for Pillow's buffers, which tracemalloc does
not see) and the RSS it started the work with. Prints medians and the ratios mediadmin /
django-pictures. Run: `make bench-env` once, then
`.venv/bin/python bench/bench_pictures.py [--repeat N] [--source grain|smooth|NAME|PATH.jpg]`
(NAME: a real camera photo of bench/photos.py, e.g. `sunset`, 12.2 MP; a path measures that JPEG).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS_PYTHON = ROOT / "bench" / ".venv-peers" / "bin" / "python"
TARGET_TIME, TARGET_MEMORY = 0.1, 0.5  # issue 15: ratios mediadmin / django-pictures
SHAPES = [None, "4/3", "1/1"]  # detail (the image's own ratio), card, gallery


def rss_kib():
    """The process's resident set size now, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def report(seconds, made, written, baseline):
    """Print the child's figures as one JSON line for the parent."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "made": made, "bytes": written,
                      "peak_kib": peak, "baseline_kib": baseline}))


def folder_bytes(folder, skip=()):
    """Total size of the files under `folder`, except the paths in `skip`."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and p not in skip)


# --- mediadmin side (project venv) --------------------------------------------------------------

def setup_mediadmin(work):
    """Django with the production settings on the bench's throw-away database and media folder."""
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from workspace import throwaway_env

    os.environ.update(throwaway_env(work))
    import django

    django.setup()


def child_prepare(work, source):
    """Migrate, make the source JPEG and store it on a product without thumbnails."""
    setup_mediadmin(work)
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from photos import source_bytes

    from mediadmin.models import Product

    call_command("migrate", verbosity=0)
    data = source_bytes(source)
    (work / "source.jpg").write_bytes(data)
    product = Product(name="Bench", slug="bench")
    product.image.save("bench.jpg", ContentFile(data), save=False)
    Product.objects.bulk_create([product])  # no save(): no thumbnail task


def child_mediadmin(work):
    """Forget the thumbnails, then time warm() of every size and variant; report."""
    setup_mediadmin(work)
    from mediadmin import thumbnails
    from mediadmin.models import Product
    from mediadmin.thumbnails.sizes import size_names

    field_file = Product.objects.get(slug="bench").image
    thumbnails.delete_thumbnails(field_file)
    media = work / "media"
    before = folder_bytes(media)
    baseline = rss_kib()
    start = time.perf_counter()
    made = thumbnails.warm(field_file)
    seconds = time.perf_counter() - start
    assert made == len(size_names()), (made, len(size_names()))
    report(seconds, made, folder_bytes(media) - before, baseline)


# --- django-pictures side (bench/.venv-peers) ---------------------------------------------------

def child_pictures(work, run):
    """Time what django-pictures makes when the source is saved on a PictureField; report."""
    import django
    from django.conf import settings

    media = work / f"pictures-{run}"
    settings.configure(MEDIA_ROOT=str(media), INSTALLED_APPS=[],
                       PICTURES={"FILE_TYPES": ["AVIF", "WEBP"], "USE_PLACEHOLDERS": False})
    django.setup()
    from django.core.files.storage import FileSystemStorage
    from pictures.models import PictureField, PictureFieldFile
    from pictures.tasks import process_picture
    from PIL import Image

    source = media / "products" / "bench.jpg"
    source.parent.mkdir(parents=True)
    shutil.copyfile(work / "source.jpg", source)
    with Image.open(source) as image:
        width, height = image.size
    storage = FileSystemStorage(location=str(media))
    field = PictureField(aspect_ratios=SHAPES, file_types=["AVIF", "WEBP"])
    files = PictureFieldFile.get_picture_files(file_name="products/bench.jpg", img_width=width,
                                               img_height=height, storage=storage, field=field)
    new = [p.deconstruct() for types in files.values() for srcset in types.values() for p in srcset.values()]
    baseline = rss_kib()
    start = time.perf_counter()
    process_picture(storage=storage.deconstruct(), file_name="products/bench.jpg", sender=None, new=new)
    seconds = time.perf_counter() - start
    report(seconds, len(new), folder_bytes(media, skip={source}), baseline)
    shutil.rmtree(media)


# --- parent ------------------------------------------------------------------------------------

def run_child(python, work, side, run=0):
    """Run one side in a fresh process; return its figures."""
    command = [str(python), __file__, "--child", side, "--work", str(work), "--run", str(run)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{side} child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(runs, key):
    """The median of one figure over the runs of a side."""
    return statistics.median(r[key] for r in runs)


def print_summary(results):
    """Medians of each side and the ratios mediadmin / django-pictures, with the targets."""
    ours, peer = results["mediadmin"], results["pictures"]
    rows = [("wall time, s", "seconds", 1), ("peak RSS of the process, MiB", "peak_kib", 1024),
            ("peak RSS above the start of the work, MiB", None, 1024), ("bytes written, KiB", "bytes", 1024)]
    for run in ours + peer:
        run["work_kib"] = run["peak_kib"] - run["baseline_kib"]
    print(f"\n{'median of ' + str(len(ours)) + ' runs':<44} {'mediadmin':>10} {'pictures':>10} {'ratio':>7}")
    for label, key, scale in rows:
        key = key or "work_kib"
        a, b = median_of(ours, key) / scale, median_of(peer, key) / scale
        print(f"{label:<44} {a:10.2f} {b:10.2f} {a / b:6.3f}x")
    time_ratio = median_of(ours, "seconds") / median_of(peer, "seconds")
    memory_ratio = median_of(ours, "peak_kib") / median_of(peer, "peak_kib")
    print(f"files made: mediadmin {ours[0]['made']}, django-pictures {peer[0]['made']}")
    print(f"targets: time <= {TARGET_TIME}x: {'met' if time_ratio <= TARGET_TIME else 'MISSED'} "
          f"({time_ratio:.3f}x); peak memory <= {TARGET_MEMORY}x: "
          f"{'met' if memory_ratio <= TARGET_MEMORY else 'MISSED'} ({memory_ratio:.3f}x)")


def main():
    """Prepare the source, run both sides alternately in child processes, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", default="grain",
                        help="grain: a grain-heavy 12 MP JPEG (default); smooth: a smooth one; a camera photo's name "
                             "from bench/photos.py (sunset, dragonfly, ...); or a JPEG file's path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        children = {"prepare": lambda: child_prepare(args.work, args.source),
                    "mediadmin": lambda: child_mediadmin(args.work),
                    "pictures": lambda: child_pictures(args.work, args.run)}
        return children[args.child]()
    if not PEERS_PYTHON.exists():
        sys.exit("bench/.venv-peers is missing: run `make bench-env` first.")
    work = Path(tempfile.mkdtemp(prefix="mediadmin-bench-pictures-"))
    try:
        compare(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def source_argument(source):
    """The --source for a child: a file's path made absolute (the child runs elsewhere)."""
    from photos import PHOTOS

    return source if source in ("grain", "smooth", *PHOTOS) else str(Path(source).resolve())


def source_size(file):
    """(width, height) of a JPEG from its SOF marker, without Pillow (the parent imports no Django or Pillow)."""
    data = file.read()
    i = 2
    while i < len(data) - 9:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    return 0, 0


def compare(args, work):
    """Both sides alternately, each measurement in its own process; print each run and the medians."""
    subprocess.run([sys.executable, __file__, "--child", "prepare", "--work", str(work),
                    "--source", source_argument(args.source)], check=True)
    with open(work / "source.jpg", "rb") as source:
        width, height = source_size(source)
    print(f"Source: {args.source}, JPEG {width}x{height}, {(work / 'source.jpg').stat().st_size // 1024} KiB")
    pythons = {"mediadmin": sys.executable, "pictures": PEERS_PYTHON}
    results = {side: [] for side in pythons}
    for run in range(args.repeat):
        order = list(pythons) if run % 2 == 0 else list(pythons)[::-1]
        for side in order:
            figures = run_child(pythons[side], work, side, run)
            results[side].append(figures)
            print(f"  run {run + 1} {side:<10} {figures['seconds']:7.2f} s   peak RSS "
                  f"{figures['peak_kib'] / 1024:6.1f} MiB (started at {figures['baseline_kib'] / 1024:5.1f})"
                  f"   {figures['made']} files, {figures['bytes'] // 1024} KiB", flush=True)
    print_summary(results)


if __name__ == "__main__":
    main()
