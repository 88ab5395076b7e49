"""Benchmark: AVIF encoder settings on real camera photos, the product page's 800 px main image.

For each photo of bench/photos.py the 800 px pixels are made the engine's way (the JPEG decoded at the
scale draft() allows for twice the width, then LANCZOS with reducing_gap 2), encoded as the old page's
JPEG (q85, optimized, progressive) and as AVIF at the quality in settings with each setting below; each
AVIF is decoded again and compared with the source resized to 800 px (LANCZOS): bytes relative to the
JPEG, SSIM on luma (bench/ssim.py), and the encoding time. Prints one row per photo and setting, then
the means and the lowest SSIM per setting. All in one process, the settings alternating per photo.

Run in the bench's own environment (`make bench-env` once; the photos are fetched on first use):
`bench/.venv-peers/bin/python bench/bench_encoder_settings.py [--quality 60] [--source NAME ...]`.
"""
import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]
SETTINGS = {  # label: Pillow's AVIF save() options besides quality
    "speed 8 (default)": {"speed": 8},
    "speed 6": {"speed": 6},
    "speed 8, tune=ssim": {"speed": 8, "advanced": {"tune": "ssim"}},
    "speed 6, tune=ssim": {"speed": 6, "advanced": {"tune": "ssim"}},
}


def pixels_and_reference(data, width=800):
    """The engine's 800 px pixels for this JPEG, and the same-size LANCZOS reference from the full source."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as original:
        size = (width, round(width * original.height / original.width))
        reference = ImageOps.exif_transpose(original.convert("RGB")).resize(size, Image.LANCZOS)
        original.draft("RGB", (size[0] * 2, size[1] * 2))
        pixels = ImageOps.exif_transpose(original.convert("RGB")).resize(size, Image.LANCZOS, reducing_gap=2.0)
    return pixels, reference


def encode(pixels, reference, fmt, options):
    """(bytes, SSIM against the reference, seconds to encode) of the pixels saved with the options."""
    from PIL import Image
    from ssim import ssim

    buffer = io.BytesIO()
    started = time.perf_counter()
    pixels.save(buffer, fmt, **options)
    seconds = time.perf_counter() - started
    with Image.open(io.BytesIO(buffer.getvalue())) as decoded:
        return len(buffer.getvalue()), ssim(decoded.convert("RGB"), reference), seconds


def measure(names, quality):
    """Per photo: the old JPEG's figures and each setting's; returns {setting: [(ratio, ssim, seconds)]}."""
    from photos import source_bytes

    results = {label: [] for label in SETTINGS}
    for number, name in enumerate(names):
        pixels, reference = pixels_and_reference(source_bytes(name))
        jpeg_bytes, jpeg_ssim, _ = encode(pixels, reference, "JPEG",
                                          {"quality": 85, "optimize": True, "progressive": True})
        print(f"{name:<10} JPEG q85 {jpeg_bytes / 1024:6.1f} KiB SSIM {jpeg_ssim:.3f}", flush=True)
        labels = list(SETTINGS) if number % 2 == 0 else list(SETTINGS)[::-1]
        for label in labels:
            size, score, seconds = encode(pixels, reference, "AVIF", {"quality": quality, **SETTINGS[label]})
            results[label].append((size / jpeg_bytes, score, seconds))
            print(f"{'':<10} AVIF q{quality} {label:<20} {size / 1024:6.1f} KiB ({size / jpeg_bytes:.2f}x) "
                  f"SSIM {score:.3f} {seconds * 1000:5.0f} ms", flush=True)
    return results


def main():
    """Measure the settings on the photos and print the summary table (Markdown)."""
    from photos import PHOTOS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", type=int, default=60)
    parser.add_argument("--source", nargs="+", default=list(PHOTOS), choices=list(PHOTOS))
    args = parser.parse_args()
    results = measure(args.source, args.quality)
    print(f"\n| AVIF q{args.quality}, {len(args.source)} photos | mean bytes vs JPEG q85 | mean SSIM "
          "| lowest SSIM | mean encode time |")
    print("|---|---:|---:|---:|---:|")
    for label, rows in results.items():
        ratios, scores, seconds = zip(*rows, strict=True)
        print(f"| {label} | {statistics.mean(ratios):.2f}x | {statistics.mean(scores):.3f} | {min(scores):.3f} "
              f"| {statistics.mean(seconds) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
