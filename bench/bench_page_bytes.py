"""Benchmark: image bytes of a product page in Chromium, `{% picture %}` today against one JPEG before.

A product with a 12 MP camera-like JPEG is saved through services.product_save in a throw-away
database and media folder (its sizes and variants are made after commit by the immediate task
backend). Two development servers (`manage.py runserver`, DJANGO_DEBUG=1) serve that database
side by side: today's templates, and "before": today's product page with the `{% picture %}`
tags put back to the single `<img src="{% thumbnail_url ... %}">` of main at 5ef16eb (a template
override in a settings module of the bench's own, nothing else differs). Debian's Chromium
(Playwright, as tests/browser/conftest.py launches it) opens each page in a fresh context at
1280x800, DPR 1, alternately; the bytes of every image the page loaded are summed from the
Resource Timing entries (encodedBodySize: the image bytes; transferSize: with the HTTP headers).
The main image the browser picked is compared with the same-size reference resized from the
source (LANCZOS): SSIM on luma, Gaussian window 11 / sigma 1.5 (Wang et al. 2004), in numpy.

Run in the bench's own environment (`make bench-env` once):
`bench/.venv-peers/bin/python bench/bench_page_bytes.py [--source grain|smooth|photos|NAME|PATH.jpg ...]
[--repeat N] [--sweep]`; `--source photos` measures the real camera photos of bench/photos.py.
"""
import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="mediadmin-bench-page-"))
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from workspace import throwaway_env  # noqa: E402

ENV = throwaway_env(WORK, DJANGO_DEBUG="1")
os.environ.update(ENV)
CHROMIUM = os.environ.get("MEDIADMIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
TARGET_BYTES, TARGET_SSIM = 0.6, 0.95
# Today's tags and the markup main rendered at 5ef16eb in their place.
BEFORE_MARKUP = {
    '{% picture product.image "detail" alt=product.image_alt css_class="main-image" priority=True %}':
        '<img class="main-image" src="{% thumbnail_url product.image \'detail\' %}" alt="{{ product.image_alt }}">',
    '{% picture image.image "gallery" alt=image.alt %}':
        '<img src="{% thumbnail_url image.image \'gallery\' %}" alt="{{ image.alt }}" width="160" height="160"'
        ' loading="lazy">',
}
RESOURCES_JS = """() => performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'img')
    .map(e => ({url: e.name, transfer: e.transferSize, body: e.encodedBodySize}))"""
MAIN_JS = """() => { const img = document.querySelector('img.main-image');
    return {src: img.currentSrc, width: img.naturalWidth, height: img.naturalHeight}; }"""


def make_products(sources):
    """Migrate, then save one product per source JPEG; their sizes are made after commit."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction
    from photos import source_bytes

    from mediadmin import services, thumbnails
    from mediadmin.models import Product

    call_command("migrate", verbosity=0)
    made = []
    for number, source in enumerate(sources, start=1):
        data = source_bytes(source)
        with transaction.atomic():
            product = services.product_save(product=Product(
                name=f"Camera {number}", slug=f"camera-{number}", image_alt_text="A camera photo",
                image=SimpleUploadedFile("camera.jpg", data, "image/jpeg")))
        assert not thumbnails.missing_sizes(Product.objects.get(pk=product.pk).image)
        made.append((source, product, data))
    return made


def before_settings():
    """A settings module (on WORK) whose product page has main@5ef16eb's single <img>; its name."""
    page = (ROOT / "templates" / "mediadmin" / "product_detail.html").read_text()
    for today, before in BEFORE_MARKUP.items():
        if today not in page:
            sys.exit(f"product_detail.html no longer contains {today!r}: update BEFORE_MARKUP.")
        page = page.replace(today, before)
    override = WORK / "templates-before" / "mediadmin"
    override.mkdir(parents=True)
    (override / "product_detail.html").write_text(page)
    (WORK / "bench_before_settings.py").write_text(
        "from mediadmin.settings import *  # noqa: F403\n"
        f"TEMPLATES[0]['DIRS'] = [{str(override.parent)!r}, *TEMPLATES[0]['DIRS']]  # noqa: F405\n")
    return "bench_before_settings"


def free_port():
    """A TCP port free on the loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(settings_module, port, log_name):
    """Start `manage.py runserver` on the port with the settings; return (process, base URL) once it answers."""
    env = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": settings_module,
           "PYTHONPATH": os.pathsep.join([str(WORK), str(ROOT)])}
    log = open(WORK / log_name, "w")
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"runserver did not start, see {WORK / log_name}:\n{(WORK / log_name).read_text()}")


def open_page(browser, url):
    """Open the page in a fresh context at 1280x800, DPR 1; its image entries and main image bytes."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    bodies = {}
    page.on("response", lambda r: bodies.__setitem__(r.url, r) if r.request.resource_type == "image" else None)
    page.goto(url, wait_until="networkidle")
    entries, main = page.evaluate(RESOURCES_JS), page.evaluate(MAIN_JS)
    main["bytes"] = bodies[main["src"]].body()
    context.close()
    return entries, main


def main_image_figures(main, source):
    """Format, size and SSIM of the main image the browser showed, against the source resized to its size."""
    from PIL import Image, ImageOps
    from ssim import ssim

    shown = Image.open(io.BytesIO(main["bytes"]))
    shown.load()
    with Image.open(io.BytesIO(source)) as original:
        reference = ImageOps.exif_transpose(original.convert("RGB")).resize(shown.size, Image.LANCZOS)
    return {"format": shown.format, "size": shown.size, "bytes": len(main["bytes"]),
            "ssim": ssim(shown.convert("RGB"), reference), "url": main["src"]}


def quality_sweep(source, size):
    """Bytes and SSIM of the main image at other encoder settings: what tuning the defaults could buy.

    The pixels are made the engine's way for this case (a JPEG decoded at 1/2 scale, then
    LANCZOS with reducing_gap 2), then encoded as JPEG (the old fallback's settings), AVIF
    and WebP at several qualities; SSIM against the same reference as the page's image.
    """
    from PIL import Image, ImageOps
    from ssim import ssim

    with Image.open(io.BytesIO(source)) as original:
        reference = ImageOps.exif_transpose(original.convert("RGB")).resize(size, Image.LANCZOS)
        original.draft("RGB", (size[0] * 2, size[1] * 2))  # the longer side first: enough either way
        drafted = ImageOps.exif_transpose(original.convert("RGB"))
        pixels = drafted.resize(size, Image.LANCZOS, reducing_gap=2.0)
    print(f"Encoder sweep of the {size[0]}x{size[1]} main image (lossless pixels: SSIM {ssim(pixels, reference):.4f}):")
    settings = [("JPEG", {"quality": 85, "optimize": True, "progressive": True})]
    settings += [("AVIF", {"quality": q, "speed": 8}) for q in (60, 70, 80, 85, 90)]
    settings += [("WEBP", {"quality": q, "method": 4}) for q in (80, 90)]
    for fmt, params in settings:
        buffer = io.BytesIO()
        pixels.save(buffer, fmt, **params)
        decoded = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        print(f"  {fmt:<4} {params}: {len(buffer.getvalue()) / 1024:6.1f} KiB, SSIM {ssim(decoded, reference):.4f}")


def measure(browser, pages, source, repeat):
    """Open each page `repeat` times, alternately; per page: media image bytes, transfer, main image."""
    results = {name: [] for name in pages}
    for run in range(repeat):
        for name in (pages if run % 2 == 0 else list(pages)[::-1]):
            entries, main = open_page(browser, pages[name])
            media = [e for e in entries if "/media/" in e["url"]]
            results[name].append({"media": sum(e["body"] for e in media),
                                  "transfer": sum(e["transfer"] for e in media),
                                  "all": sum(e["body"] for e in entries), "count": len(media),
                                  "main": main_image_figures(main, source)})
    return results


def print_results(results):
    """Medians per page, the main image of each, and the ratio today / before against the targets."""
    for name, runs in results.items():
        main = runs[-1]["main"]
        print(f"  {name:<7} media images {statistics.median(r['media'] for r in runs) / 1024:7.1f} KiB "
              f"({runs[-1]['count']} files; "
              f"{statistics.median(r['transfer'] for r in runs) / 1024:.1f} KiB with headers; "
              f"all images incl. logo {statistics.median(r['all'] for r in runs) / 1024:.1f} KiB)")
        print(f"          main image {main['format']} {main['size'][0]}x{main['size'][1]}, "
              f"{main['bytes'] / 1024:.1f} KiB, SSIM {main['ssim']:.4f}   {main['url'].split('/media/')[-1]}")
    ratio = (statistics.median(r["media"] for r in results["today"])
             / statistics.median(r["media"] for r in results["before"]))
    today_ssim = results["today"][-1]["main"]["ssim"]
    bytes_verdict = "met" if ratio <= TARGET_BYTES else "MISSED"
    ssim_verdict = "met" if today_ssim >= TARGET_SSIM else "MISSED"
    print(f"ratio today / before: {ratio:.3f}x  (target <= {TARGET_BYTES}x: {bytes_verdict}); "
          f"main image SSIM {today_ssim:.4f} (target >= {TARGET_SSIM}: {ssim_verdict})")


def main():
    """Save the products, serve them both ways, open both pages in Chromium, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", nargs="+", default=["grain"],
                        help="grain: a grain-heavy 12 MP JPEG (default); smooth: a smooth one; a photo's name "
                             "from bench/photos.py (sunset, dragonfly, ...); photos: all of them; or a JPEG's path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="also encode the main image at other qualities")
    args = parser.parse_args()
    from photos import PHOTOS
    from playwright.sync_api import sync_playwright

    sources = [name for source in args.source for name in (PHOTOS if source == "photos" else [source])]
    made = make_products(sources)
    servers = {"before": start_server(before_settings(), free_port(), "before.log"),
               "today": start_server("mediadmin.settings", free_port(), "today.log")}
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for source_name, product, source in made:
                print(f"Source: {source_name}, JPEG {product.image.width}x{product.image.height}, "
                      f"{len(source) // 1024} KiB; Chromium 1280x800, DPR 1")
                pages = {name: f"{base}/products/{product.slug}/" for name, (_, base) in servers.items()}
                results = measure(browser, pages, source, args.repeat)
                rows.append((source_name, product, results))
                print_results(results)
                if args.sweep:
                    quality_sweep(source, results["today"][-1]["main"]["size"])
            browser.close()
        if len(rows) > 1:
            print_table(rows)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()


def print_table(rows):
    """One Markdown row per source: image bytes before and today, their ratio, SSIM of both main images."""
    print("\n| Source | pixels | before: JPEG | today | ratio | SSIM before | SSIM today |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, product, results in rows:
        before, today = (statistics.median(r["media"] for r in results[side]) for side in ("before", "today"))
        main_before, main_today = results["before"][-1]["main"], results["today"][-1]["main"]
        print(f"| {name} | {product.image.width}x{product.image.height} | {before / 1024:.1f} KiB "
              f"| {today / 1024:.1f} KiB ({main_today['format']}) | {today / before:.2f}x "
              f"| {main_before['ssim']:.3f} | {main_today['ssim']:.3f} |")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)  # also when the setup failed
