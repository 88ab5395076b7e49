"""Benchmark: warm() of a PNG source, thumbnails at sorl's optimize (zlib 9) against lower levels.

A 2400x1600 RGBA PNG (bench_thumbnails.png_bytes) is stored once; each way forgets its
thumbnails and warm() makes all the named sizes again, the ways alternating, `repeat` times.
"before" is what mediadmin did until now: MEDIADMIN_PNG_COMPRESS_LEVEL = None (sorl's
optimize=1) and a full-size copy of the shared decode for every size (put back by a patch);
the others are today's engine at zlib levels, and WEBP (MEDIADMIN_THUMBNAIL_FORMAT) for reference.
Prints medians, the ratio to sorl's way and the bytes written. Run: `python bench/bench_png.py`.
"""
import argparse
import contextlib
import statistics
from unittest import mock

from bench_thumbnails import png_bytes
from bench_warm import WORK, settings, stored, time_warm  # sets Django up
from django.core.management import call_command
from django.test import override_settings

from mediadmin.thumbnail_engine import Engine

ORIGINAL_SHARED_COPY = Engine._shared_copy


def copied_per_size(self, image, options):
    """The engine before: every size started from its own full-size copy of the shared decode."""
    shared = ORIGINAL_SHARED_COPY(self, image, options)
    return None if shared is None else shared.copy()

WAYS = {
    "before (optimize, copies)": {"MEDIADMIN_PNG_COMPRESS_LEVEL": None},
    "sorl optimize, no copies": {"MEDIADMIN_PNG_COMPRESS_LEVEL": None},
    "zlib level 6": {"MEDIADMIN_PNG_COMPRESS_LEVEL": 6},
    "zlib level 3 (default now)": {"MEDIADMIN_PNG_COMPRESS_LEVEL": 3},
    "zlib level 1": {"MEDIADMIN_PNG_COMPRESS_LEVEL": 1},
    "WEBP thumbnails": {"MEDIADMIN_THUMBNAIL_FORMAT": "WEBP"},
}


def written_bytes(field_file):
    """Total bytes of the thumbnails warm() just made (every file in the media folder but the source)."""
    files = [p for p in (WORK / "media").rglob("*") if p.is_file() and p.name != field_file.name.rsplit("/")[-1]]
    return sum(p.stat().st_size for p in files)


def main():
    """Store the PNG, time warm() each way alternately, print medians, ratios and sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    field_file = stored("png-source", png_bytes(2400, 1600))
    times, sizes = {way: [] for way in WAYS}, {}
    for _ in range(args.repeat):
        for way, overrides in WAYS.items():
            before = way.startswith("before")
            patch = mock.patch.object(Engine, "_shared_copy", copied_per_size) if before else contextlib.nullcontext()
            with override_settings(**overrides), patch:
                times[way].append(time_warm(field_file, True))
                sizes[way] = written_bytes(field_file)
    base = statistics.median(times["before (optimize, copies)"])
    print(f"warm() of a 2400x1600 RGBA PNG, all {len(settings.MEDIADMIN_THUMBNAIL_SIZES)} sizes, "
          f"median of {args.repeat}:")
    for way in WAYS:
        median = statistics.median(times[way])
        print(f"  {way:<28} {median * 1000:7.1f} ms   ratio {median / base:.2f}x   {sizes[way] // 1024:6d} KiB")


if __name__ == "__main__":
    main()
