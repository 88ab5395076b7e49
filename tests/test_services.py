"""Contracts of the write services: each opens its own transaction and schedules a new image's
thumbnails itself, once, after commit; a rollback schedules nothing and leaves no file.

The tasks are counted with the dummy task backend (queued as for a worker, never run), in real
transactions (transaction=True), so "after commit" is the database's commit, not a simulation.
"""
import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tasks import default_task_backend

from mediadmin import filesafety, services
from mediadmin.models import Product, ProductDocument, ProductImage

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

MEDIADMIN = Path(__file__).resolve().parent.parent / "mediadmin"


@pytest.fixture
def queued(settings):
    """A callable listing the enqueued thumbnail tasks as (model label, field name, stored name)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield lambda: [(r.args[0], r.args[2], r.args[3]) for r in default_task_backend.results]
    default_task_backend.clear()


def test_product_save_enqueues_one_task_for_a_new_image_once_committed(queued):
    product = services.product_save(product=Product(name="Fresh", image=factories.image_upload("fresh.jpg")))
    assert queued() == [("mediadmin.Product", "image", product.image.name)]


def test_inside_an_outer_transaction_the_task_waits_for_its_commit(queued):
    with transaction.atomic():
        product = services.product_save(product=Product(name="Outer", image=factories.image_upload()))
        assert queued() == []
    assert queued() == [("mediadmin.Product", "image", product.image.name)]


def test_a_rollback_schedules_nothing_and_leaves_no_file(queued, files_in):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.product_save(product=Product(name="Undone", image=factories.image_upload()))
        assert files_in()  # stored, waiting for the commit
        raise RuntimeError("the caller's transaction fails after the save")
    filesafety.sweep()  # what the end of a request does
    assert queued() == [] and Product.objects.count() == 0 and files_in() == []


def test_a_save_without_a_new_image_schedules_nothing(queued):
    product = services.product_save(product=Product(name="Same", image=factories.image_upload()))
    product.name = "Same, renamed"
    services.product_save(product=product)
    assert len(queued()) == 1


def test_saves_that_call_no_service_are_scheduled_once_by_the_receivers(queued):
    product = factories.product("Plain")  # a plain save(), as the admin's gallery inline does
    image = factories.gallery_image(product)
    assert queued() == [("mediadmin.Product", "image", product.image.name),
                        ("mediadmin.ProductImage", "image", image.image.name)]


def test_a_gallery_upload_is_scheduled_once_and_a_refused_duplicate_not_at_all(queued):
    product = factories.product("Gallery", with_image=False)
    image = services.gallery_image_upload(product=product, uploaded_file=factories.image_upload("a.jpg"))
    with pytest.raises(services.DuplicateUpload):
        services.gallery_image_upload(product=product, uploaded_file=factories.image_upload("copy.jpg"))
    assert queued() == [("mediadmin.ProductImage", "image", image.image.name)]


def test_product_create_saves_everything_and_schedules_each_new_image_once(queued):
    product = services.product_create(
        product=Product(name="Complete", image=factories.image_upload("main.jpg")),
        images=[ProductImage(position=p, image=factories.image_upload(f"g{p}.png", "PNG")) for p in (0, 1)],
        documents=[ProductDocument(file=factories.pdf_upload("sheet.pdf"))],
    )
    gallery = list(product.images.order_by("position"))
    assert queued() == [("mediadmin.Product", "image", product.image.name)] + [
        ("mediadmin.ProductImage", "image", image.image.name) for image in gallery]
    [document] = product.documents.all()
    assert document.content_type == "application/pdf" and len(document.sha256) == 64


def test_product_create_is_all_or_nothing(queued, files_in):
    broken = SimpleUploadedFile("broken.jpg", b"not an image at all")
    with pytest.raises(ValidationError):
        services.product_create(
            product=Product(name="Half", image=factories.image_upload("main.jpg")),
            images=[ProductImage(position=0, image=factories.image_upload("g.png", "PNG")),
                    ProductImage(position=1, image=broken)],
        )
    assert Product.objects.count() == ProductImage.objects.count() == 0
    assert queued() == [] and files_in() == []


def _opens_a_transaction(path):
    tree = ast.parse(path.read_text(), str(path))
    return any(isinstance(node, ast.Attribute) and node.attr == "atomic" or
               isinstance(node, ast.Name) and node.id == "atomic" for node in ast.walk(tree))


def test_only_the_services_open_transactions():
    """Views, the admin, commands and receivers call services; none opens a transaction itself."""
    outside = [p for p in MEDIADMIN.rglob("*.py") if "services" not in p.parts and "migrations" not in p.parts]
    assert [str(p.relative_to(MEDIADMIN)) for p in outside if _opens_a_transaction(p)] == []
    assert _opens_a_transaction(MEDIADMIN / "services" / "transactions.py")
