"""Benchmark: mediadmin's thumbnail engine next to sorl's default PIL engine.

Both engines run in one process, alternately, on the same generated images, through the
steps sorl's backend runs for one thumbnail (open, ratio, create, write). Prints the median
time of each engine and their ratio. Run: `python bench/bench_thumbnails.py [--repeat N]`.
"""
import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediadmin.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402
from sorl.thumbnail.base import ThumbnailBackend  # noqa: E402
from sorl.thumbnail.engines.pil_engine import Engine as SorlEngine  # noqa: E402
from sorl.thumbnail.parsers import parse_geometry  # noqa: E402

from mediadmin.demo import photo_like_image  # noqa: E402
from mediadmin.thumbnail_engine import Engine as FastEngine  # noqa: E402


class Source:
    """The bytes of a stored image, as sorl's ImageFile.read() returns them."""

    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data


class Sink:
    """Where a thumbnail is written: keeps its size only."""

    bytes_written = 0

    def write(self, raw):
        self.bytes_written = len(raw)


def options_for(fmt, **options):
    """The options sorl's backend fills in before calling the engine."""
    full = dict(ThumbnailBackend.default_options, format=fmt, **options)
    full.setdefault("image_info", {})
    return full


def make_one(engine, data, geometry_string, options):
    """Make one thumbnail the way sorl's backend does; return the seconds it took."""
    start = time.perf_counter()
    image = engine.get_image(Source(data))
    options = dict(options, image_info=engine.get_image_info(image))
    geometry = parse_geometry(geometry_string, engine.get_image_ratio(image, options))
    engine.write(engine.create(image, geometry, options), options, Sink())
    return time.perf_counter() - start


def compare(label, data, geometry_string, options, repeat):
    """Time both engines alternately on the same input; print medians and the ratio."""
    engines = {"sorl": SorlEngine(), "mediadmin": FastEngine()}
    times = {name: [] for name in engines}
    for _ in range(repeat):
        for name, engine in engines.items():
            times[name].append(make_one(engine, data, geometry_string, options))
    sorl, fast = (statistics.median(times[n]) * 1000 for n in ("sorl", "mediadmin"))
    print(f"{label:<44} sorl {sorl:7.1f} ms   mediadmin {fast:7.1f} ms   ratio {fast / sorl:.2f}x")
    return fast / sorl


def png_bytes(width, height):
    """An RGBA PNG with a gradient and a transparent band."""
    img = Image.open(io.BytesIO(photo_like_image(width, height, seed=3, fmt="PNG"))).convert("RGBA")
    alpha = Image.linear_gradient("L").resize((width, height))
    img.putalpha(alpha)
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def detailed_jpeg(width, height):
    """A JPEG as busy as a camera photo (a few MB at 12 MP): the smooth picture plus strong grain."""
    img = Image.open(io.BytesIO(photo_like_image(width, height, seed=2)))
    grain = Image.effect_noise((width, height), 60).convert("RGB")
    buf = io.BytesIO()
    Image.blend(img, grain, 0.35).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def main():
    """Generate the images, run the comparisons, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Generating images (Pillow {Image.__version__}) ...")
    jpeg = photo_like_image(4000, 3000, seed=1)
    busy = detailed_jpeg(4000, 3000)
    png = png_bytes(2400, 1600)
    print(f"  12 MP JPEG 4000x3000: smooth {len(jpeg) // 1024} KiB, detailed {len(busy) // 1024} KiB; "
          f"PNG 2400x1600 RGBA: {len(png) // 1024} KiB")
    crop = {"crop": "center"}
    compare("12 MP JPEG -> 200x200 crop (JPEG)", jpeg, "200x200", options_for("JPEG", **crop), args.repeat)
    compare("12 MP JPEG, detailed -> 200x200 crop", busy, "200x200", options_for("JPEG", **crop),
            args.repeat)
    compare("12 MP JPEG -> 800x800 fit (JPEG)", jpeg, "800x800", options_for("JPEG"), args.repeat)
    compare("12 MP JPEG -> 200x200 crop (WebP)", jpeg, "200x200", options_for("WEBP", **crop), args.repeat)
    compare("PNG 2400x1600 RGBA -> 200x200 crop (PNG)", png, "200x200", options_for("PNG", **crop),
            args.repeat)


if __name__ == "__main__":
    main()
