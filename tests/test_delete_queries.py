"""Deleting a product recoverably makes a bounded number of queries: as many for 20 files as for 5.

Counted through services.recovery.delete_recoverably with its after-commit work (django-cleanup's
receivers, the thumbnails' drop, the move to the trash and its history lines), thumbnails made
first as on a live site. A bound, not a timing: bench/bench_delete.py measures the time."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediadmin import audit, thumbnails
from mediadmin.audit.trash import iter_folder
from mediadmin.models import FileEvent, Product, ProductDocument, ProductImage
from mediadmin.services import recovery
from mediadmin.services import trash as trash_service

from . import factories
from .audit_helpers import store

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


def test_referenced_names_answers_like_is_referenced_for_many_names(media_root, private_root):
    product = factories.product("Lamp", document=factories.pdf_upload("care.pdf"))
    image = factories.gallery_image(product).image
    names = [product.image.name, image.name, "product_images/nobody.jpg", product.document.name, ""]
    found = audit.referenced_names(default_storage, names)
    assert found == {n for n in names if audit.is_referenced(default_storage, n)}
    assert found == {product.image.name, image.name}
    assert audit.referenced_names(product.document.storage, names) == {product.document.name}


def _thumbnail_paths(media_root, field_file):
    return [media_root / thumbnails.thumbnail_file(field_file, size).name for size in thumbnails.size_names()]


def test_delete_thumbnails_many_drops_the_sizes_of_the_images_given_and_only_those(media_root):
    gone, kept = factories.product("Gone"), factories.product("Kept")
    assert all(p.exists() for f in (gone.image, kept.image) for p in _thumbnail_paths(media_root, f))
    thumbnails.delete_thumbnails_many([gone.image])
    assert [p for p in _thumbnail_paths(media_root, gone.image) if p.exists()] == []
    assert [thumbnails.known(gone.image, size) for size in thumbnails.size_names()] == [None] * 6
    assert all(p.exists() for p in _thumbnail_paths(media_root, kept.image))
    assert thumbnails.known(kept.image, "admin_list") is not None
    assert (media_root / gone.image.name).exists()  # the image itself stays


def test_a_move_in_chunks_rechecks_each_file_and_keeps_one_referenced_meanwhile(media_root, monkeypatch):
    names = [store(default_storage, f"product_images/orphan-{i}.jpg") for i in range(5)]
    report = audit.audit()
    monkeypatch.setattr(trash_service, "CHUNK", 2)
    copy_one = trash_service._copy_one

    def copy_then_reference(storage, trash, batch, stored, kind, source):
        copied = copy_one(storage, trash, batch, stored, kind, source)
        if stored.name == names[3]:  # a row takes the file after its copy, before the original goes
            Product.objects.create(name="Racer", image=stored.name)
        return copied

    monkeypatch.setattr(trash_service, "_copy_one", copy_then_reference)
    steps = []
    result = trash_service.quarantine_orphans(report, older_than=0, progress=steps.append)
    assert sorted(e["name"] for e in result.done) == sorted(set(names) - {names[3]})
    assert result.skipped == [(names[3], "referenced")]
    assert (media_root / names[3]).exists() and steps == [2, 4, 5]
    trash = audit.trash_for(default_storage, "default")
    in_trash = [n for n in iter_folder(trash.storage, trash.folder(result.batch)) if "orphan-" in n]
    assert len(in_trash) == 4 and not [n for n in in_trash if "orphan-3" in n]  # its copy left the trash again


def test_a_storage_failing_mid_chunk_loses_nothing_and_leaves_no_stray_copy(media_root, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    from mediadmin.storage_errors import StorageUnavailable

    names = [store(default_storage, f"product_images/orphan-{i}.jpg") for i in range(4)]
    report = audit.audit()
    deleted = []
    storage = audit.storage_for("default")
    real_delete = storage.delete

    def delete_twice_then_fail(name):
        if name in names:
            if len(deleted) == 2:
                raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
            deleted.append(name)
        real_delete(name)

    monkeypatch.setattr(storage, "delete", delete_twice_then_fail)
    with pytest.raises(StorageUnavailable):
        trash_service.quarantine_orphans(report, older_than=0)
    monkeypatch.undo()
    trash = audit.trash_for(default_storage, "default")
    (batch,) = [b.id for b in audit.batches(trash)]
    in_manifest = [e["name"] for e in trash_service.read_manifest(trash, batch)["entries"]]
    copies = [n for n in iter_folder(trash.storage, trash.folder(batch)) if "orphan-" in n]
    assert sorted(in_manifest) == sorted(deleted) and len(copies) == 2  # the moved ones, nothing stray
    assert all((media_root / name).exists() for name in set(names) - set(deleted))
