"""Benchmark: deleting products with many files, today's plain delete against recoverable deletion.

Runs against a throw-away SQLite database and media folders (like bench_warm.py). Builds two
identical data sets of `--products` products with `--files` files each: a main image, the
product's own document, and the rest split into gallery images and documents (20 files: 1 main
image + 1 document + 12 gallery images + 6 documents). Every file is small but real (a 48x48 PNG,
a one-page PDF) and, with `--thumbnails` (the default), every image has its six named sizes made
first, as a live site would, so both deletes also drop thumbnails and their key-value entries.

Then, in the same run, it deletes the first set the way products were deleted before recoverable
deletion (plain `queryset.delete()` inside a transaction; django-cleanup deletes the files after
commit through mediadmin's receivers) and the second through services.recovery.delete_recoverably
(the admin's path: versions, history lines, files to the trash after commit), counting queries with
CaptureQueriesContext (after-commit work included: the capture closes after the transaction) and
time. Prints queries per product and per file, and the ratios. Then a scaling check, smaller sets
of 10 products: 10 against `--products` products of `--files` files, and 5 against `--files` files
per product, for both ways. Run: `python bench/bench_delete.py [--products N] [--files N]`.
"""
import argparse
import collections
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="mediadmin-bench-"))
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from workspace import throwaway_env  # noqa: E402

os.environ.update(throwaway_env(WORK))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402

from mediadmin import thumbnails  # noqa: E402
from mediadmin.models import Product, ProductDocument, ProductImage  # noqa: E402
from mediadmin.services import recovery  # noqa: E402

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png(seed):
    """A small PNG whose pixels differ per seed (distinct files, distinct checksums)."""
    out = io.BytesIO()
    Image.new("RGB", (48, 48), (seed % 256, seed // 256 % 256, 90)).save(out, "PNG")
    return out.getvalue()


def split(files):
    """(gallery images, documents) besides the main image and the product's own document."""
    rest = files - 2
    gallery = round(rest * 2 / 3)
    return gallery, rest - gallery


def build(prefix, products, files, make_thumbnails):
    """`products` products of `files` files each, rows and files stored; their thumbnails made if asked."""
    gallery, documents = split(files)
    seed = 0
    images = []
    for p in range(products):
        seed += 1
        product = Product(name=f"{prefix} {p}", slug=f"{prefix}-{p}")
        product.image.save(f"{prefix}-{p}.png", ContentFile(png(seed)), save=False)
        product.document.save(f"{prefix}-{p}.pdf", ContentFile(PDF), save=False)
        Product.objects.bulk_create([product])  # no save(): no thumbnail task, made below
        product = Product.objects.get(slug=f"{prefix}-{p}")
        rows = []
        for g in range(gallery):
            seed += 1
            row = ProductImage(product=product, position=g, original_name=f"g{g}.png", width=48, height=48)
            row.image.save(f"{prefix}-{p}-g{g}.png", ContentFile(png(seed)), save=False)
            rows.append(row)
        ProductImage.objects.bulk_create(rows)
        docs = []
        for d in range(documents):
            row = ProductDocument(product=product, original_name=f"d{d}.pdf", size=len(PDF),
                                  content_type="application/pdf", sha256=f"{seed:064x}")
            row.file.save(f"{prefix}-{p}-d{d}.pdf", ContentFile(PDF), save=False)
            docs.append(row)
        ProductDocument.objects.bulk_create(docs)
        images.append(product.image)
        images.extend(i.image for i in ProductImage.objects.filter(product=product))
    if make_thumbnails:
        sizes = list(settings.MEDIADMIN_THUMBNAIL_SIZES)
        for field_file in images:
            thumbnails.warm(field_file, sizes)
    return list(Product.objects.filter(slug__startswith=f"{prefix}-").order_by("pk"))


def plain_delete(products):
    """Today's delete before recoverable deletion: one queryset delete, django-cleanup after commit."""
    with transaction.atomic():
        Product.objects.filter(pk__in=[p.pk for p in products]).delete()


def recoverable_delete(products):
    """The admin's path: delete_recoverably (its own transaction per product, trash after commit)."""
    recovery.delete_recoverably(products)


WAYS = {"plain": plain_delete, "recoverable": recoverable_delete}


def measure(way, products):
    """(queries, wall seconds, CPU seconds) of deleting the products one way, after-commit work included.

    CPU time (this process's) is given beside wall time: on a shared machine it varies less.
    """
    start, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as captured:
        WAYS[way](products)
    return len(captured), time.perf_counter() - start, time.process_time() - cpu


def files_left(prefix):
    """Rows of a set still present (0 after a delete)."""
    return Product.objects.filter(slug__startswith=f"{prefix}-").count()


def run(label, products, files, make_thumbnails):
    """Build one set per way, delete each; {way: (queries, wall seconds, CPU seconds)}."""
    results = {}
    for way in WAYS:
        prefix = f"{label}-{way}"
        chosen = build(prefix, products, files, make_thumbnails)
        results[way] = measure(way, chosen)
        assert files_left(prefix) == 0
    return results


def report(title, products, files, results):
    """Print queries per product, per file, and seconds, for both ways; the ratio recoverable / plain."""
    print(f"{title}: {products} products x {files} files = {products * files} files")
    for way, (queries, seconds, cpu) in results.items():
        print(f"  {way:<12} {queries:7d} queries  {queries / products:8.1f} / product  "
              f"{queries / (products * files):6.2f} / file  {seconds:7.2f} s  (CPU {cpu:6.2f} s)")
    (pq, ps, pc), (rq, rs, rc) = results["plain"], results["recoverable"]
    print(f"  ratio recoverable / plain: queries {rq / pq:.2f}x, time {rs / ps:.2f}x, CPU {rc / pc:.2f}x")


def main():
    """Build, delete both ways, print; then the scaling check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--no-thumbnails", dest="thumbnails", action="store_false")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    # CaptureQueriesContext reads Django's query log, which keeps 9,000 queries: unbounded here.
    connection.queries_log = collections.deque()
    print(f"SQLite, local disk, thumbnails {'made' if args.thumbnails else 'not made'} "
          f"({len(settings.MEDIADMIN_THUMBNAIL_SIZES)} sizes per image); work folder {WORK} (removed at the end)")
    main_results = run("main", args.products, args.files, args.thumbnails)
    report("Main run", args.products, args.files, main_results)
    print("Scaling check (queries of the recoverable delete; plain for comparison):")
    small = run("few-products", 10, args.files, args.thumbnails)
    report("  10 products", 10, args.files, small)
    few_files = run("few-files", 10, 5, args.thumbnails)
    report("  5 files per product", 10, 5, few_files)
    for way in WAYS:
        per_product = [small[way][0] / 10, main_results[way][0] / args.products, few_files[way][0] / 10]
        print(f"  {way:<12} per product: 10x{args.files} {per_product[0]:.1f}, "
              f"{args.products}x{args.files} {per_product[1]:.1f}, 10x5 {per_product[2]:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)  # about 80 MB for the default run
