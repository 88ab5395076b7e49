"""Deleting a product recoverably makes a bounded number of queries: as many for 20 files as for 5.

Counted through services.recovery.delete_recoverably with its after-commit work (django-cleanup's
receivers, the thumbnails' drop, the move to the trash and its history lines), thumbnails made
first as on a live site. A bound, not a timing: bench/bench_delete.py measures the time."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediadmin import thumbnails
from mediadmin.models import FileEvent, ProductDocument, ProductImage
from mediadmin.services import recovery

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _product(name, files):
    """A product of `files` files: main image, own document, then gallery images and documents (2 to 1)."""
    product = factories.product(name, document=factories.pdf_upload(f"{name}.pdf"))
    rest = files - 2
    gallery = round(rest * 2 / 3)
    for position in range(gallery):
        factories.gallery_image(product, position)
    for index in range(rest - gallery):
        factories.document(product, f"{name}-{index}.pdf")
    images = [product.image, *(i.image for i in ProductImage.objects.filter(product=product))]
    assert all(thumbnails.known(image, "admin_list") is not None for image in images)  # made after commit
    return product


def _queries_of_delete(product):
    ContentType.objects.clear_cache()  # both deletes fill it alike (django-reversion reads it)
    with CaptureQueriesContext(connection) as captured:
        recovery.delete_recoverably([product])
    return captured.captured_queries


def test_queries_do_not_grow_with_the_number_of_files(media_root, private_root, files_in):
    small, large = _product("small", 5), _product("large", 20)
    small_queries, large_queries = _queries_of_delete(small), _queries_of_delete(large)
    assert len(large_queries) == len(small_queries), "\n".join(q["sql"][:150] for q in large_queries)
    # Everything went as before: every file in the trash, a deletion and a move line for each.
    assert [n for n in files_in() if not n.startswith((".trash/", "cache/"))] == []
    assert not ProductDocument.objects.exists() and not ProductImage.objects.exists()
    assert FileEvent.objects.filter(action=FileEvent.Action.DELETE).count() == 25
    assert FileEvent.objects.filter(action=FileEvent.Action.TRASH_MOVE).count() == 25
    assert [n for n in files_in("cache/") if not n.startswith(".trash/")] == []  # thumbnails dropped
