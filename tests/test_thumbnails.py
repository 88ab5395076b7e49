"""Named-size thumbnails: constant queries per page, failures remembered, made by a task after commit."""
import logging

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import default_task_backend
from sorl.thumbnail import get_thumbnail

from mediadmin import services, thumbnails
from mediadmin.models import Product, ProductImage
from mediadmin.tasks import make_thumbnails
from mediadmin.thumbnails import memo

from . import factories

pytestmark = pytest.mark.django_db

SIZES = ["admin_list", "admin_inline", "admin_preview", "card", "detail", "gallery"]


def _products(count, start=0, size="admin_list"):
    """Products with a small main image whose thumbnail in `size` is made."""
    for i in range(start, start + count):
        product = Product(name=f"Product {i:03}", slug=f"product-{i:03}")
        product.image = factories.image_upload(f"p{i}.jpg", size=(80, 60))
        product.save()
        thumbnails.warm(product.image, [size])


def _queries(client, url):
    cache.clear()  # cold: sorl's cached_db store must go to the database
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_thumbnail_file_names_the_file_sorl_makes():
    product = factories.product("Named")
    for size in SIZES:
        geometry, options = thumbnails.size_spec(size)
        assert thumbnails.thumbnail_file(product.image, size).name == \
            get_thumbnail(product.image, geometry, **options).name


def test_product_changelist_queries_do_not_grow_with_rows_even_with_a_cold_cache(admin_client):
    url = reverse("admin:mediadmin_product_changelist") + "?all="
    _products(10)
    ten, page = _queries(admin_client, url)
    assert page.count("/media/cache/") == 10
    _products(90, start=10)
    hundred, page = _queries(admin_client, url)
    assert page.count("/media/cache/") == 100 and "placeholder.svg" not in page
    assert hundred == ten


def test_gallery_changelist_queries_do_not_grow_with_rows(admin_client):
    product = factories.product("Host", with_image=False)
    url = reverse("admin:mediadmin_productimage_changelist") + "?all="

    def add(count):
        for i in range(count):
            thumbnails.warm(factories.gallery_image(product, position=i).image, ["admin_list"])

    add(3)
    three, _ = _queries(admin_client, url)
    add(30)
    thirty_three, _ = _queries(admin_client, url)
    assert thirty_three == three


def test_public_list_queries_do_not_grow_with_products(client):
    _products(5, size="card")
    five, page = _queries(client, reverse("product_list"))
    assert page.count("/media/cache/") == 5
    _products(25, start=5, size="card")
    full_page, page = _queries(client, reverse("product_list"))
    assert page.count("/media/cache/") == 24  # paginated by 24
    assert full_page == five


def _warnings(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING and "could not be made" in r.message]


def test_a_corrupt_source_shows_the_placeholder_is_logged_once_and_not_retried(media_root, caplog):
    product = factories.product("Broken")
    (media_root / product.image.name).write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    for _ in range(3):
        for size in SIZES:
            assert thumbnails.thumbnail_url(product.image, size) == thumbnails.placeholder_url()
    assert len(_warnings(caplog)) == 1
    assert product.image.name in _warnings(caplog)[0].getMessage()


def test_a_fixed_source_is_tried_again(media_root, caplog):
    product = factories.product("Broken")
    path = media_root / product.image.name
    good = path.read_bytes()
    path.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    assert thumbnails.thumbnail(product.image, "card") is None
    path.write_bytes(good)  # restored: another size (and mtime), so it is tried again
    assert thumbnails.thumbnail(product.image, "card") is not None


def test_a_missing_source_is_remembered_and_regenerate_tries_again(media_root, caplog):
    product = factories.product("Gone")
    path = media_root / product.image.name
    good = path.read_bytes()
    path.unlink()
    assert thumbnails.thumbnail(product.image, "card") is None
    assert thumbnails.thumbnail(product.image, "detail") is None
    assert len(_warnings(caplog)) == 1
    path.write_bytes(good)  # back (e.g. restored from quarantine)
    assert thumbnails.regenerate(product.image)
    assert thumbnails.thumbnail(product.image, "card") is not None


def test_broken_images_never_break_the_changelist(admin_client, media_root, caplog):
    _products(3)
    Product.objects.filter(name="Product 001").update(image="product_images/missing.jpg")
    url = reverse("admin:mediadmin_product_changelist")
    for _ in range(2):
        page = admin_client.get(url).content.decode()
        assert page.count("/media/cache/") == 2 and "placeholder.svg" in page
    assert len(_warnings(caplog)) == 1


def test_webp_setting_writes_webp_thumbnails(settings):
    settings.MEDIADMIN_THUMBNAIL_FORMAT = "WEBP"
    product = factories.product("Web")
    thumb = thumbnails.thumbnail(product.image, "card")
    assert thumb.name.endswith(".webp") and thumb.url.endswith(".webp")


def _known_sizes(field_file):
    return [size for size in SIZES if thumbnails.known(field_file, size)]


def test_saving_through_the_service_makes_every_size_after_commit(django_capture_on_commit_callbacks):
    product = Product(name="Fresh", image=factories.image_upload("fresh.jpg"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.product_save(product=product)
    assert _known_sizes(product.image) == []  # nothing made before the commit
    for callback in callbacks:
        callback()
    assert _known_sizes(product.image) == SIZES


def test_images_saved_by_any_code_path_get_their_sizes(django_capture_on_commit_callbacks):
    product = factories.product("Host", with_image=False)
    with django_capture_on_commit_callbacks(execute=True):
        image = factories.gallery_image(product)  # a plain save(), no service
    assert _known_sizes(image.image) == SIZES


def test_a_save_without_a_new_file_enqueues_nothing(django_capture_on_commit_callbacks):
    product = factories.product("Same")
    product.name = "Same, renamed"
    with django_capture_on_commit_callbacks() as callbacks:
        services.product_save(product=product)
    assert callbacks == []


@pytest.fixture
def worker_backend(settings):
    """The dummy task backend: tasks are queued, as for a worker, and not run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield default_task_backend
    default_task_backend.clear()


def test_with_a_worker_backend_the_request_only_enqueues(worker_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_save(product=Product(name="Queued", image=factories.image_upload()))
    [result] = worker_backend.results
    assert result.task.name == "make_thumbnails"
    assert result.args == ["mediadmin.Product", product.pk, "image", product.image.name]
    assert _known_sizes(product.image) == []
    assert make_thumbnails.call(*result.args) == len(SIZES)  # what the worker runs
    assert _known_sizes(product.image) == SIZES


def test_a_task_for_a_replaced_file_does_nothing(worker_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_save(product=Product(name="Twice", image=factories.image_upload("a.jpg")))
    old_args = worker_backend.results[0].args
    with django_capture_on_commit_callbacks(execute=True):
        product.image = factories.image_upload("b.jpg")
        services.product_save(product=product)
    assert make_thumbnails.call(*old_args) == 0
    assert make_thumbnails.call("mediadmin.Product", 999_999, "image", "x.jpg") == 0  # row deleted


@pytest.mark.django_db(transaction=True)
def test_gallery_rows_saved_by_the_admin_inline_get_their_sizes(admin_client):
    product = factories.product("Inline", sku="IN-1")
    data = {"name": product.name, "slug": product.slug, "sku": product.sku, "description": "",
            "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000", "images-0-image": factories.image_upload("g.png", "PNG"),
            "images-0-alt_text": "", "images-0-position": "0",
            "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    response = admin_client.post(reverse("admin:mediadmin_product_change", args=[product.pk]), data)
    assert response.status_code == 302
    assert _known_sizes(ProductImage.objects.get().image) == SIZES


def test_an_unknown_thumbnail_format_is_a_system_check_error(settings):
    from mediadmin import checks

    assert checks.check_thumbnail_format(None) == []
    settings.MEDIADMIN_THUMBNAIL_FORMAT = "WEBP"
    assert checks.check_thumbnail_format(None) == []
    settings.MEDIADMIN_THUMBNAIL_FORMAT = "TIFF"
    [error] = checks.check_thumbnail_format(None)
    assert error.id == "mediadmin.E010"


def test_change_form_queries_do_not_grow_with_gallery_rows(admin_client):
    product = factories.product("Gallery host")
    url = reverse("admin:mediadmin_product_change", args=[product.pk])

    def add(start, count):
        for i in range(start, start + count):
            thumbnails.warm(factories.gallery_image(product, position=i).image, ["admin_inline"])

    add(0, 2)
    admin_client.get(url)  # fills Django's in-process caches (content types) first
    two, page = _queries(admin_client, url)
    add(2, 20)
    twenty_two, page = _queries(admin_client, url)
    assert page.count("mediadmin-current") == 23  # the main image and every gallery row
    assert twenty_two == two


def test_pages_can_leave_missing_sizes_to_the_worker(settings, worker_backend, admin_client):
    settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = False
    product = factories.product("Waiting")  # saved outside a commit: nothing made yet
    # Its own task waits for a commit that never comes here; let its pending mark lapse, as
    # PENDING_TIMEOUT does for a job the queue lost, so the page is what asks for the sizes.
    memo.clear_pending(product.image)
    url = reverse("admin:mediadmin_product_changelist")
    for _ in range(2):
        page = admin_client.get(url).content.decode()
        assert "placeholder.svg" in page and "/media/cache/" not in page
    [result] = worker_backend.results  # asked once, not on every view
    assert result.args == ["mediadmin.Product", product.pk, "image", product.image.name]
    make_thumbnails.call(*result.args)
    assert "/media/cache/" in admin_client.get(url).content.decode()


def test_a_non_image_is_logged_once_by_mediadmin_alone(media_root, caplog):
    product = factories.product("Text")
    (media_root / product.image.name).write_bytes(b"just some text, not an image")
    assert thumbnails.warm(product.image) == 0
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1 and "not an image in an allowed format" in records[0].getMessage()


def test_after_a_prefetch_the_templates_lookups_are_answered_without_the_store(client, media_root, monkeypatch):
    """The public list prefetches its cards: rendering them makes no key-value lookup per product."""
    from django.urls import reverse
    from sorl.thumbnail import default

    for i in range(5):
        thumbnails.warm(factories.product(f"Card {i}").image)
    lookups = []
    real_get = default.kvstore.get
    monkeypatch.setattr(default.kvstore, "get", lambda *a, **k: lookups.append(a) or real_get(*a, **k))
    page = client.get(reverse("product_list")).content.decode()
    assert page.count("/media/cache/") == 5 and lookups == []
