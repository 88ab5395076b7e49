"""Benchmark: the product changelist with and without its thumbnail column, warm and just after uploads.

Runs against a throw-away SQLite database and media folder. It uploads N products through
services.product_save, one transaction each (thumbnails are made by the task after commit,
with the default immediate backend), then renders the admin changelist in one process and
prints ratios:

- first changelist after the uploads / warm changelist           (goal <= 2x)
- first changelist with a cold cache (a fresh web process) / warm
- warm changelist / the same changelist without the thumbnail column   (goal <= 1.3x)
- for contrast, the first changelist when thumbnails are left to the page (sorl's lazy way)

Run: `python bench/bench_changelist.py [--products 100] [--repeat 7]`.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="mediadmin-bench-"))
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from workspace import throwaway_env  # noqa: E402

os.environ.update(throwaway_env(
    WORK, DJANGO_ALLOWED_HOSTS="testserver",
    DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage"))

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from mediadmin import services, thumbnails  # noqa: E402
from mediadmin.admin.product import ProductAdmin  # noqa: E402
from mediadmin.demo import photo_like_image  # noqa: E402
from mediadmin.models import Product  # noqa: E402


class PlainProductAdmin(ProductAdmin):
    """The same changelist without the thumbnail column: the baseline."""

    list_display = tuple(n for n in ProductAdmin.list_display if n != "image_thumbnail")
    list_display_links = ("name",)


def render(model_admin, user, query=""):
    """Render the changelist once; return the seconds it took."""
    request = RequestFactory().get("/admin/mediadmin/product/" + query)
    request.user = user
    start = time.perf_counter()
    response = model_admin.changelist_view(request)
    response.render()
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    return elapsed


def medians_ms(admins, user, repeat):
    """Median render time in milliseconds of each admin, rendered alternately `repeat` times."""
    times = [[] for _ in admins]
    for _ in range(repeat):
        for i, model_admin in enumerate(admins):
            times[i].append(render(model_admin, user))
    return [statistics.median(t) * 1000 for t in times]


def upload(count, size):
    """Save `count` products with a fresh photo-like JPEG each, one transaction per product."""
    images = [photo_like_image(*size, seed=i) for i in range(min(count, 12))]
    start = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            upload = SimpleUploadedFile(f"p{i}.jpg", images[i % len(images)], "image/jpeg")
            services.product_save(product=Product(name=f"Product {i:03}", sku=f"B-{i:03}", image=upload))
    return time.perf_counter() - start


def main():
    """Upload, render, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--image", default="1200x900", help="uploaded image size, WxH")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.image.split("x"))

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pass-123")
    with_thumbs = admin.site._registry[Product]
    plain = PlainProductAdmin(Product, admin.site)
    page = with_thumbs.list_per_page
    # Compile the templates and fill Django's own caches first: "first" measures thumbnails.
    render(with_thumbs, user), render(plain, user)

    seconds = upload(args.products, size)
    print(f"Uploaded {args.products} products ({args.image} JPEG, every named size made after "
          f"commit): {seconds:.1f} s, {seconds / args.products * 1000:.0f} ms per product")
    first = render(with_thumbs, user) * 1000
    cache.clear()
    first_cold = render(with_thumbs, user) * 1000
    warm, warm_plain = medians_ms([with_thumbs, plain], user, args.repeat)
    print(f"Changelist, {page} rows per page (median of {args.repeat} where warm):")
    print(f"  first after the uploads        {first:7.1f} ms   {first / warm:.2f}x warm  (goal <= 2x)")
    print(f"  first, cold cache (new process){first_cold:7.1f} ms   {first_cold / warm:.2f}x warm")
    print(f"  warm                           {warm:7.1f} ms")
    print(f"  warm, no thumbnail column      {warm_plain:7.1f} ms   "
          f"with/without {warm / warm_plain:.2f}x  (goal <= 1.3x)")

    for product in Product.objects.all():
        thumbnails.delete_thumbnails(product.image)  # as if nothing was made after upload
    lazy = render(with_thumbs, user) * 1000
    print(f"  first, thumbnails made by the page (sorl's lazy way, fast engine) "
          f"{lazy:7.1f} ms   {lazy / warm:.1f}x warm")


if __name__ == "__main__":
    main()
