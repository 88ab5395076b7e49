"""Benchmark: thumbnails.warm() of every named size, one decode per size against one shared decode.

Runs against a throw-away SQLite database and media folder (like bench_changelist.py). Three
stored sources: a 12 MP smooth JPEG, a 12 MP grain-heavy JPEG (both as in bench_thumbnails.py)
and a PNG. For each, the thumbnails are forgotten and warm() makes the six sizes again, the old
way (share_decode=False: each size decodes the source) and the new way, alternately, `repeat`
times. Then whole uploads of the 12 MP JPEGs through services.product_save (the sizes are made
after commit, by the immediate task backend), old and new alternately. Prints medians and the
ratios new / old. Run: `python bench/bench_warm.py [--repeat N] [--uploads N]`.
"""
import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="mediadmin-bench-"))
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from workspace import throwaway_env  # noqa: E402

os.environ.update(throwaway_env(WORK))

import django  # noqa: E402

django.setup()

from bench_thumbnails import detailed_jpeg, png_bytes  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from PIL import Image  # noqa: E402

from mediadmin import services, thumbnails  # noqa: E402
from mediadmin.demo import photo_like_image  # noqa: E402
from mediadmin.models import Product  # noqa: E402

WAYS = {"old": False, "new": True}  # share_decode


def stored(name, data):
    """A product whose image is `data`, stored without thumbnails; returns its image field."""
    product = Product(name=name, slug=name)
    extension = "png" if data.startswith(b"\x89PNG") else "jpg"
    product.image.save(f"{name}.{extension}", ContentFile(data), save=False)
    Product.objects.bulk_create([product])  # no save(): no thumbnail task
    return Product.objects.get(slug=name).image


def time_warm(field_file, share_decode):
    """Forget the image's thumbnails, make every size again; the seconds warm() took."""
    thumbnails.delete_thumbnails(field_file)
    start = time.perf_counter()
    # The named sizes only (not the responsive variants, bench_pictures.py): the figures compare
    # with docs/performance.md's earlier runs.
    made = thumbnails.warm(field_file, list(settings.MEDIADMIN_THUMBNAIL_SIZES), share_decode=share_decode)
    elapsed = time.perf_counter() - start
    assert made == len(settings.MEDIADMIN_THUMBNAIL_SIZES)
    return elapsed


def compare_warm(label, field_file, repeat):
    """Both ways alternately on one source; print medians and the ratio new / old."""
    times = {way: [] for way in WAYS}
    for _ in range(repeat):
        for way, share in WAYS.items():
            times[way].append(time_warm(field_file, share))
    old, new = (statistics.median(times[w]) * 1000 for w in WAYS)
    print(f"  {label:<40} old {old:7.1f} ms   new {new:7.1f} ms   ratio {new / old:.2f}x")


def time_upload(data, index, share_decode):
    """Save a product with a new 12 MP JPEG, in its own transaction; the seconds it took."""
    warm = functools.partial(ORIGINAL_WARM, share_decode=share_decode)
    with mock.patch.object(thumbnails.scheduling, "warm", warm):  # what warm_stored() calls
        start = time.perf_counter()
        with transaction.atomic():
            upload = SimpleUploadedFile(f"u{index}.jpg", data, "image/jpeg")
            services.product_save(product=Product(name=f"Upload {index}", image=upload))
        elapsed = time.perf_counter() - start
    assert not thumbnails.missing_sizes(Product.objects.get(name=f"Upload {index}").image)
    return elapsed


def compare_uploads(label, data, repeat):
    """Uploads, old and new way alternately; print medians and the ratio."""
    times = {way: [] for way in WAYS}
    for i in range(repeat):
        for way, share in WAYS.items():
            times[way].append(time_upload(data, f"{label}-{way}-{i}", share))
    old, new = (statistics.median(times[w]) * 1000 for w in WAYS)
    print(f"  {'upload, ' + label:<40} old {old:7.1f} ms   new {new:7.1f} ms   ratio {new / old:.2f}x")


ORIGINAL_WARM = thumbnails.warm


def main():
    """Store the sources, time warm() and uploads both ways, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--uploads", type=int, default=5, help="uploads per way and source (0: none)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"Generating images (Pillow {Image.__version__}) ...")
    sources = {
        "12 MP JPEG 4000x3000, smooth": photo_like_image(4000, 3000, seed=1),
        "12 MP JPEG 4000x3000, heavy grain": detailed_jpeg(4000, 3000),
        "PNG 2400x1600 RGBA": png_bytes(2400, 1600),
    }
    for label, data in sources.items():
        print(f"  {label}: {len(data) // 1024} KiB")
    print(f"warm(), all {len(settings.MEDIADMIN_THUMBNAIL_SIZES)} sizes, median of {args.repeat} "
          "(old: a decode per size; new: one shared decode):")
    for i, (label, data) in enumerate(sources.items()):
        compare_warm(label, stored(f"source-{i}", data), args.repeat)
    if args.uploads:
        print(f"Upload through services.product_save, sizes made after commit, median of {args.uploads}:")
        for label in list(sources)[:2]:
            compare_uploads(label.split(", ")[1], sources[label], args.uploads)


if __name__ == "__main__":
    main()
