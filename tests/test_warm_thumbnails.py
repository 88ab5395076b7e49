"""`manage.py warm_thumbnails`: makes what is missing, in parallel, and can be run again."""
import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from mediadmin import thumbnails
from mediadmin.models import Product

from . import factories

# The command's worker threads use their own database connections: rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

SIZES = 6


def _warm(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("warm_thumbnails", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def catalogue(settings):
    """Two products with a gallery image each, stored without thumbnails (a dummy task queue)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    products = [factories.product(f"Item {i}") for i in range(2)]
    for product in products:
        factories.gallery_image(product)
    return products


def test_makes_every_missing_size_then_nothing_on_a_second_run(catalogue):
    assert thumbnails.missing_sizes(catalogue[0].image) != []
    out, err = _warm("--workers", "2")
    assert f"Checked 4 images: made {4 * SIZES} thumbnails, 0 could not be made." in out
    assert "4/4 images" in err  # the progress bar
    assert thumbnails.missing_sizes(catalogue[0].image) == []
    out, _ = _warm()
    assert "made 0 thumbnails" in out


def test_one_model_and_field(catalogue):
    out, _ = _warm("--model", "mediadmin.Product", "--field", "image")
    assert f"Checked 2 images: made {2 * SIZES} thumbnails" in out
    gallery = catalogue[0].images.get().image
    assert len(thumbnails.missing_sizes(gallery)) == SIZES


def test_a_thumbnail_cut_short_by_an_interruption_is_made_again(catalogue, media_root):
    image = catalogue[0].image
    partial = thumbnails.thumbnail_file(image, "card")
    (media_root / partial.name).parent.mkdir(parents=True, exist_ok=True)
    (media_root / partial.name).write_bytes(b"\xff\xd8\xff\xe0 half a file")  # no key-value entry
    _warm("--model", "mediadmin.Product")
    thumb = thumbnails.known(image, "card")
    with Image.open(media_root / thumb.name) as img:
        img.load()
        assert img.size == (320, 240)


def test_thumbnail_files_deleted_behind_the_stores_back_are_made_again(catalogue, media_root):
    _warm()
    thumb = thumbnails.known(catalogue[0].image, "admin_list")
    (media_root / thumb.name).unlink()
    out, _ = _warm()
    assert "made 1 thumbnails" in out
    assert (media_root / thumbnails.known(catalogue[0].image, "admin_list").name).exists()


def test_broken_sources_are_counted_not_fatal(catalogue, media_root):
    Product.objects.filter(pk=catalogue[0].pk).update(image="product_images/gone.jpg")
    out, _ = _warm("--model", "mediadmin.Product")
    assert f"made {SIZES} thumbnails, {SIZES} could not be made" in out


@pytest.mark.parametrize("args", [["--field", "image"], ["--model", "mediadmin.Nope"],
                                  ["--model", "mediadmin.ProductDocument"]])
def test_bad_arguments(args):
    with pytest.raises(CommandError):
        _warm(*args)
