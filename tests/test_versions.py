"""Versions of replaced files: kept after commit through every replace path, restored byte for byte
by a confirmed POST, expired by `expire_versions`, never orphans, never served publicly.

Real database transactions (on_commit runs), real storages under the test's MEDIA_ROOT and
private root, files made in code.
"""
import html
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from mediadmin import audit, filenames, permissions, services, thumbnails
from mediadmin.models import FileVersion, Product, ProductImage
from mediadmin.storages import private_storage as _private_storage

from . import factories
from .test_permissions import KINDS, make_user

pytestmark = pytest.mark.django_db(transaction=True)
private_storage = _private_storage()


def _read(storage, name):
    with storage.open(name, "rb") as fh:
        return fh.read()


def _bytes(field_file):
    return _read(field_file.storage, field_file.name)


def _inline(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _change_data(product, **overrides):
    """The product change form as the admin posts it, with its existing gallery and documents untouched."""
    images, documents = list(product.images.all()), list(product.documents.all())
    data = {"name": product.name, "slug": product.slug, "sku": product.sku, "description": "",
            **_inline("images", len(images), len(images)), **_inline("documents", len(documents), len(documents)),
            "_save": "Save"}
    for i, img in enumerate(images):
        data.update({f"images-{i}-id": str(img.pk), f"images-{i}-product": str(product.pk),
                     f"images-{i}-alt_text": img.alt_text, f"images-{i}-position": str(img.position)})
    for i, doc in enumerate(documents):
        data.update({f"documents-{i}-id": str(doc.pk), f"documents-{i}-product": str(product.pk),
                     f"documents-{i}-title": doc.title, f"documents-{i}-visibility": doc.visibility})
    data.update(overrides)
    return data


def _change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _restore_url(version):
    return reverse("admin:mediadmin_product_version_restore", args=[version.pk])


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", password="pw-boss-123")


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def lamp():
    """A product with a main image, its own document, a gallery image and a document."""
    product = factories.product("Lamp", document=factories.pdf_upload("care.pdf", "Care"))
    factories.gallery_image(product, alt_text="Side")
    factories.document(product, "manual.pdf")
    return product


def _assert_version(version, old_name, old_bytes, storage, user, original_name, mime_type):
    assert version.source_name == old_name and version.name.startswith(".versions/")
    assert _read(storage, version.name) == old_bytes
    assert (version.size, version.mime_type, version.original_name) == (len(old_bytes), mime_type, original_name)
    assert version.replaced_by == user and timezone.now() - version.replaced_at < timedelta(minutes=5)
    assert not storage.exists(old_name)  # moved out of the live folder, not copied beside it


# --- every replace path keeps a version --------------------------------------------------------

def test_admin_form_replacing_main_image_and_document_keeps_both_as_versions(admin_client, admin_user, lamp,
                                                                             media_root):
    old_image, old_image_bytes = lamp.image.name, _bytes(lamp.image)
    old_doc, old_doc_bytes = lamp.document.name, _bytes(lamp.document)
    data = _change_data(lamp, image=factories.image_upload("new.jpg", color=(9, 9, 9)),
                        document=factories.pdf_upload("care-v2.pdf", "Care 2"))
    assert admin_client.post(_change_url(lamp), data).status_code == 302
    image_version = FileVersion.objects.get(field_name="image", object_id=lamp.pk)
    _assert_version(image_version, old_image, old_image_bytes, default_storage, admin_user,
                    filenames.unsuffixed_name(old_image), "image/jpeg")
    assert (media_root / image_version.name).is_file()  # MEDIA_ROOT/.versions/
    with default_storage.open(image_version.thumbnail) as fh, Image.open(fh) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 160
    doc_version = FileVersion.objects.get(field_name="document")
    _assert_version(doc_version, old_doc, old_doc_bytes, private_storage, admin_user,
                    lamp.document_original_name or filenames.unsuffixed_name(old_doc), "application/pdf")
    assert doc_version.thumbnail == ""
    lamp.refresh_from_db()
    assert _bytes(lamp.image) != old_image_bytes


def test_admin_gallery_inline_and_document_inline_replacements_keep_versions(admin_client, admin_user, lamp):
    image, document = lamp.images.get(), lamp.documents.get()
    old_image, old_image_bytes = image.image.name, _bytes(image.image)
    old_doc, old_doc_bytes = document.file.name, _bytes(document.file)
    data = _change_data(lamp, **{"images-0-image": factories.image_upload("other.png", "PNG", color=(1, 2, 3)),
                                 "documents-0-file": factories.pdf_upload("manual-v2.pdf", "Manual 2")})
    assert admin_client.post(_change_url(lamp), data).status_code == 302
    _assert_version(FileVersion.objects.get(field_name="image", object_id=image.pk), old_image, old_image_bytes,
                    default_storage, admin_user, filenames.unsuffixed_name(old_image), "image/png")
    # The document keeps the client's name it had before the replacement, not the new one.
    _assert_version(FileVersion.objects.get(field_name="file"), old_doc, old_doc_bytes, private_storage,
                    admin_user, "manual.pdf", "application/pdf")
    document.refresh_from_db()
    assert document.original_name == "manual-v2.pdf"


def test_gallery_image_and_document_change_pages_keep_versions_and_list_them(admin_client, lamp):
    image, document = lamp.images.get(), lamp.documents.get()
    response = admin_client.post(_change_url(image), {
        "product": lamp.pk, "image": factories.image_upload("b.jpg", color=(5, 5, 5)), "alt_text": "Side",
        "position": "0", "_continue": "Save"})
    assert response.status_code == 302
    response = admin_client.post(_change_url(document), {
        "product": lamp.pk, "title": "Manual", "visibility": "public", "file": factories.pdf_upload("m2.pdf"),
        "_continue": "Save"})
    assert response.status_code == 302
    product_page = admin_client.get(_change_url(lamp)).content.decode()
    for obj in (image, document):
        assert _change_url(obj) in product_page  # each inline row links to its page and versions
        version = FileVersion.objects.get(object_id=obj.pk, content_type__model=obj._meta.model_name)
        page = admin_client.get(_change_url(obj)).content.decode()
        assert version.original_name in page and _restore_url(version) in page


def test_staff_form_replacement_keeps_a_version(admin_client, admin_user, lamp):
    old, old_bytes = lamp.image.name, _bytes(lamp.image)
    response = admin_client.post(reverse("product_edit", args=[lamp.slug]),
                                 {"name": "Lamp", "image": factories.image_upload("staff.jpg", color=(0, 9, 0))})
    assert response.status_code == 302
    _assert_version(FileVersion.objects.get(), old, old_bytes, default_storage, admin_user,
                    filenames.unsuffixed_name(old), "image/jpeg")


def test_clearing_a_file_keeps_it_as_a_version(admin_client, lamp):
    old_bytes = _bytes(lamp.document)
    assert admin_client.post(_change_url(lamp), _change_data(lamp, **{"document-clear": "on"})).status_code == 302
    version = FileVersion.objects.get(field_name="document")
    assert _read(private_storage, version.name) == old_bytes


def test_a_file_another_row_references_gets_no_version_and_stays(lamp):
    other = Product.objects.create(name="Twin", image=lamp.image.name)
    shared = lamp.image.name
    lamp.image = factories.image_upload("new.jpg", color=(7, 7, 7))
    services.product_save(product=lamp)
    assert not FileVersion.objects.exists() and default_storage.exists(shared)
    assert Product.objects.get(pk=other.pk).image.name == shared


def test_a_replacement_rolled_back_keeps_no_version(lamp):
    from django.db import transaction

    old = lamp.image.name
    with pytest.raises(RuntimeError), transaction.atomic():
        lamp.image = factories.image_upload("new.jpg", color=(7, 7, 7))
        services.product_save(product=lamp)
        raise RuntimeError("roll back")
    assert not FileVersion.objects.exists() and default_storage.exists(old)


def test_when_the_copy_fails_the_old_file_stays_in_place(settings, tmp_path, lamp, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")  # a storage rooted at a file cannot create folders: every save fails
    settings.STORAGES = {**settings.STORAGES, "broken": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)}}}
    settings.MEDIADMIN_TRASH_STORAGE = "broken"
    old = lamp.image.name
    lamp.image = factories.image_upload("new.jpg", color=(7, 7, 7))
    services.product_save(product=lamp)
    assert not FileVersion.objects.exists() and default_storage.exists(old)
    assert "could not be copied into the versions folder" in caplog.text


def test_replacing_a_file_already_missing_from_storage_saves_and_keeps_no_version(lamp, caplog):
    default_storage.delete(lamp.image.name)
    lamp.image = factories.image_upload("new.jpg", color=(7, 7, 7))
    services.product_save(product=lamp)
    assert not FileVersion.objects.exists() and default_storage.exists(lamp.image.name)
    assert "already missing" in caplog.text


# --- restore -------------------------------------------------------------------------------------

def _replace_main_image(client, product, color=(9, 9, 9)):
    data = _change_data(product, image=factories.image_upload("new.jpg", color=color))
    assert client.post(_change_url(product), data).status_code == 302
    product.refresh_from_db()
    return product


def test_restore_get_only_confirms_and_post_restores_byte_for_byte(admin_client, admin_user, lamp):
    first_bytes = _bytes(lamp.image)
    lamp = _replace_main_image(admin_client, lamp)
    second_name, second_bytes = lamp.image.name, _bytes(lamp.image)
    version = FileVersion.objects.get()
    url = _restore_url(version)
    assert url in admin_client.get(_change_url(lamp)).content.decode()

    page = admin_client.get(url)
    assert page.status_code == 200 and b"Yes, restore this version" in page.content
    assert b'method="post"' in page.content and version.original_name.encode() in page.content
    lamp.refresh_from_db()
    assert lamp.image.name == second_name and FileVersion.objects.count() == 1  # GET changed nothing

    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == _change_url(lamp)
    lamp.refresh_from_db()
    assert _bytes(lamp.image) == first_bytes and lamp.image.name.startswith("product_images/")
    assert not default_storage.exists(version.name) and not default_storage.exists(version.thumbnail)
    previous = FileVersion.objects.get()  # the file the restore replaced, kept in turn
    assert (previous.source_name, previous.replaced_by) == (second_name, admin_user)
    assert _read(default_storage, previous.name) == second_bytes
    assert thumbnails.missing_sizes(lamp.image, check_files=True) == []  # made again after commit


def test_restoring_a_gallery_image_and_a_document_restores_their_metadata(admin_client, lamp):
    image, document = lamp.images.get(), lamp.documents.get()
    before = (image.sha256, image.width, image.height, _bytes(image.image))
    doc_before = (document.original_name, document.size, document.sha256, _bytes(document.file))
    data = _change_data(lamp, **{
        "images-0-image": factories.image_upload("o.png", "PNG", size=(50, 70), color=(1, 2, 3)),
        "documents-0-file": factories.pdf_upload("manual-v2.pdf", "Manual version two")})
    assert admin_client.post(_change_url(lamp), data).status_code == 302
    for version in FileVersion.objects.all():
        assert admin_client.post(_restore_url(version)).status_code == 302
    image.refresh_from_db()
    document.refresh_from_db()
    assert (image.sha256, image.width, image.height, _bytes(image.image)) == before
    assert (document.original_name, document.size, document.sha256, _bytes(document.file)) == doc_before
    assert sorted(FileVersion.objects.values_list("original_name", flat=True))[0] == "manual-v2.pdf"


def test_restore_of_a_version_whose_file_is_gone_says_so_and_changes_nothing(admin_client, lamp):
    lamp = _replace_main_image(admin_client, lamp)
    current = lamp.image.name
    version = FileVersion.objects.get()
    default_storage.delete(version.name)
    response = admin_client.post(_restore_url(version), follow=True)
    assert "missing from the versions folder" in response.content.decode()
    lamp.refresh_from_db()
    assert lamp.image.name == current


def test_versions_outlive_their_row_and_say_so_on_restore_then_expire(admin_client, versions_of_each):
    version = versions_of_each[("productimage", "image")]
    ProductImage.objects.all().delete()
    response = admin_client.post(_restore_url(version), follow=True)
    assert "no longer exists" in response.content.decode()
    assert default_storage.exists(version.name)
    call_command("expire_versions", "--delete", "--older-than", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert not default_storage.exists(version.name) and not FileVersion.objects.exists()


def test_a_second_restore_of_the_same_version_is_404_and_changes_nothing(admin_client, lamp):
    lamp = _replace_main_image(admin_client, lamp)
    version = FileVersion.objects.get()
    assert admin_client.post(_restore_url(version)).status_code == 302
    lamp.refresh_from_db()
    current, versions = lamp.image.name, list(FileVersion.objects.values_list("pk", flat=True))
    assert admin_client.post(_restore_url(version)).status_code == 404
    lamp.refresh_from_db()
    assert lamp.image.name == current and list(FileVersion.objects.values_list("pk", flat=True)) == versions


def test_unknown_or_malformed_version_ids_are_404(admin_client):
    for raw in ("999999", "1x", "99999999999999999999"):
        assert admin_client.get(f"/admin/mediadmin/product/versions/{raw}/restore/").status_code == 404


# --- permissions ---------------------------------------------------------------------------------

MAY_RESTORE = {  # field -> kinds (tests/test_permissions.py) that may restore its versions
    ("product", "image"): {"product", "superuser"},
    ("product", "document"): {"superuser"},  # change_product and the document permissions
    ("productimage", "image"): {"superuser"},
    ("productdocument", "file"): {"document", "superuser"},
}


@pytest.fixture
def versions_of_each(lamp):
    """One version of each of the four file fields."""
    lamp.image = factories.image_upload("n.jpg", color=(3, 3, 3))
    lamp.document = factories.pdf_upload("n.pdf", "N")
    services.product_save(product=lamp)
    image, document = lamp.images.get(), lamp.documents.get()
    image.image = factories.image_upload("n.png", "PNG", color=(4, 4, 4))
    services.gallery_image_save(image=image)
    document.file = factories.pdf_upload("n2.pdf", "N2")
    services.document_save(document=document)
    return {(v.content_type.model, v.field_name): v for v in FileVersion.objects.all()}


@pytest.mark.parametrize("kind", KINDS)
def test_restore_and_thumbnails_follow_the_permissions(kind, versions_of_each):
    assert len(versions_of_each) == 4
    user = make_user(kind)
    client = Client()
    if user is not None:
        client.force_login(user)
    thumb = client.get(reverse("admin:mediadmin_product_version_thumbnail",
                               args=[versions_of_each[("productimage", "image")].pk]))
    if kind in ("anonymous", "visitor"):
        assert thumb.status_code == 302
    else:  # view or change gallery images
        assert thumb.status_code == (200 if kind in {"viewer", "superuser"} else 403)
    for key, version in versions_of_each.items():
        allowed = kind in MAY_RESTORE[key]
        assert permissions.may_restore_version(user or AnonymousUser(), version) is allowed, key
        get = client.get(_restore_url(version))
        post = client.post(_restore_url(version))
        if kind in ("anonymous", "visitor"):
            assert get.status_code == post.status_code == 302 and "/admin/login/" in post["Location"]
        elif not allowed:
            assert get.status_code == post.status_code == 403
        else:
            assert get.status_code == 200 and post.status_code == 302
        assert FileVersion.objects.filter(pk=version.pk).exists() is not allowed


def test_view_only_staff_see_versions_without_a_restore_link(lamp, versions_of_each):
    viewer = make_user("viewer")
    client = Client()
    client.force_login(viewer)
    page = client.get(_change_url(lamp)).content.decode()
    version = versions_of_each[("product", "image")]
    assert version.original_name in page and _restore_url(version) not in page
    thumb = reverse("admin:mediadmin_product_version_thumbnail", args=[version.pk])
    assert thumb in page and client.get(thumb)["Content-Type"] == "image/jpeg"


# --- retention -----------------------------------------------------------------------------------

def test_expire_versions_lists_on_a_dry_run_and_deletes_only_expired_ones(settings, versions_of_each):
    settings.MEDIADMIN_VERSION_RETENTION = "30d"
    old = [versions_of_each[("product", "image")], versions_of_each[("productdocument", "file")]]
    FileVersion.objects.filter(pk__in=[v.pk for v in old]).update(replaced_at=timezone.now() - timedelta(days=31))
    out, err = io.StringIO(), io.StringIO()
    call_command("expire_versions", stdout=out, stderr=err)
    assert "Versions older than 30 days: 2" in out.getvalue() and "Dry run" in out.getvalue()
    for version in old:
        assert version.name in out.getvalue()
    assert FileVersion.objects.count() == 4
    assert default_storage.exists(old[0].name) and private_storage.exists(old[1].name)

    out = io.StringIO()
    call_command("expire_versions", "--delete", "--json", stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert data["deleted"] == 2 and {v["id"] for v in data["versions"]} == {v.pk for v in old}
    assert FileVersion.objects.count() == 2
    assert not default_storage.exists(old[0].name) and not default_storage.exists(old[0].thumbnail)
    assert not private_storage.exists(old[1].name)
    for kept in FileVersion.objects.all():
        assert (private_storage if kept.field_name == "document" else default_storage).exists(kept.name)


def test_expire_versions_shows_progress_and_refuses_a_bad_age(versions_of_each):
    from django.core.management.base import CommandError

    err = io.StringIO()
    call_command("expire_versions", "--delete", "--older-than", "0", stdout=io.StringIO(), stderr=err)
    assert "Deleting versions" in err.getvalue() and not FileVersion.objects.exists()
    with pytest.raises(CommandError, match="is not an age"):
        call_command("expire_versions", "--older-than", "soon")


# --- audit and serving ---------------------------------------------------------------------------

def test_audit_never_lists_version_files_as_orphans(versions_of_each):
    for alias in ("default", "private"):
        report = audit.audit(alias)
        names = {f.name for f in report.orphans}
        assert not any(n.startswith(".versions/") for n in names), names
    assert default_storage.exists(versions_of_each[("product", "image")].name)


def test_media_serving_refuses_trash_and_versions(client, lamp, versions_of_each):
    version = versions_of_each[("product", "image")]
    default_storage.save(".trash/20261124T182405Z-1a2b3c/files/x.jpg", io.BytesIO(b"trashed"))
    assert client.get(f"/media/{lamp.image.name}").status_code == 200
    for path in (version.name, version.thumbnail, ".trash/20261124T182405Z-1a2b3c/files/x.jpg",
                 "product_images/../.versions/x", "cache/.hidden"):
        assert client.get(f"/media/{path}").status_code == 404, path


# --- S3 (moto's server) and the check -----------------------------------------------------------

@pytest.fixture
def s3_with_trash(settings, s3_storage, s3_endpoint):
    """The S3 storages plus a private "trash" alias under the bucket's `trash/` prefix (contract 1)."""
    bucket = settings.STORAGES["default"]["OPTIONS"]["bucket_name"]
    options = {**settings.STORAGES["private"]["OPTIONS"], "location": "trash"}
    settings.STORAGES = {**settings.STORAGES, "trash": {
        "BACKEND": "mediadmin.storages_s3.PrivateS3Storage", "OPTIONS": options}}
    settings.MEDIADMIN_TRASH_STORAGE = "trash"
    assert bucket
    return s3_storage


def test_versions_on_s3_live_in_the_private_trash_storage_and_restore_byte_for_byte(admin_client, admin_user,
                                                                                   s3_with_trash):
    from django.core.files.storage import storages

    product = factories.product("Crate", document=factories.pdf_upload("care.pdf", "Care"))
    media, private, trash = storages["default"], storages["private"], storages["trash"]
    first_image, first_doc = _read(media, product.image.name), _read(private, product.document.name)
    data = _change_data(product, image=factories.image_upload("n.jpg", color=(9, 9, 9)),
                        document=factories.pdf_upload("n.pdf", "New"))
    assert admin_client.post(_change_url(product), data).status_code == 302
    keys = s3_with_trash("trash/.versions/")
    image_version, doc_version = (FileVersion.objects.get(field_name=f) for f in ("image", "document"))
    assert image_version.storage == doc_version.storage == "trash"
    assert f"trash/{image_version.name}" in keys and f"trash/{doc_version.name}" in keys
    assert f"trash/{image_version.thumbnail}" in keys
    assert not [k for k in s3_with_trash("media/") if ".versions" in k]  # nothing under the public prefix
    assert _read(trash, image_version.name) == first_image and _read(trash, doc_version.name) == first_doc

    for version in (image_version, doc_version):
        assert admin_client.post(_restore_url(version)).status_code == 302
    product.refresh_from_db()
    assert _bytes(product.image) == first_image and _bytes(product.document) == first_doc
    assert f"trash/{image_version.name}" not in s3_with_trash("trash/.versions/")
    assert FileVersion.objects.count() == 2  # the replaced ones, in turn
    response = admin_client.get(reverse("admin:mediadmin_product_version_thumbnail",
                                        args=[FileVersion.objects.get(field_name="image").pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_without_a_trash_alias_s3_versions_go_to_the_private_prefix_never_media(settings, s3_storage):
    settings.MEDIADMIN_TRASH_STORAGE = None
    product = factories.product("Crate")
    first = _bytes(product.image)
    product.image = factories.image_upload("n.jpg", color=(9, 9, 9))
    services.product_save(product=product)
    version = FileVersion.objects.get()
    assert version.storage == "private" and f"private/{version.name}" in s3_storage("private/.versions/")
    assert not [k for k in s3_storage("media/") if ".versions" in k]
    settings.MEDIADMIN_TRASH_STORAGE = "private"  # settings changing later: the version's alias is recorded
    services.version_restore(version=version)
    product.refresh_from_db()
    assert _bytes(product.image) == first


def test_check_refuses_a_bad_retention(settings):
    from mediadmin import checks

    assert checks.check_version_retention(None) == []
    settings.MEDIADMIN_VERSION_RETENTION = "a month"
    [error] = checks.check_version_retention(None)
    assert error.id == "mediadmin.E023"


def test_the_add_page_lists_no_versions_and_the_change_page_says_none_yet(admin_client, lamp):
    add = admin_client.get(reverse("admin:mediadmin_product_add")).content.decode()
    assert "Previous main images" not in add
    change = admin_client.get(_change_url(lamp)).content.decode()
    assert "Previous main images" in change and "No previous versions." in change


def test_a_version_restore_is_on_the_products_file_history(admin_client, admin_user, media_root):
    from mediadmin.models import FileEvent

    product = factories.product("Lamp", image_alt_text="A lamp")
    first = product.image.name
    product.image = factories.image_upload("second.jpg", color=(10, 200, 10))
    services.product_save(product=product)
    version = FileVersion.objects.get()
    assert version.source_name == first
    services.version_restore(version=version, user=admin_user)
    [event] = FileEvent.objects.filter(action=FileEvent.Action.VERSION_RESTORE)
    assert (event.user, event.product) == (admin_user, product)
    history = admin_client.get(reverse("admin:mediadmin_product_history", args=[product.pk])).content.decode()
    assert "Version restore" in history


def test_a_version_store_that_refuses_is_a_message_not_a_500(admin_client, s3_with_trash, s3_endpoint, caplog):
    import json

    from . import s3

    product = factories.product("Crate")
    first = product.image.name
    data = _change_data(product, image=factories.image_upload("n.jpg", color=(9, 9, 9)))
    assert admin_client.post(_change_url(product), data).status_code == 302
    version = FileVersion.objects.get(field_name="image")
    name = _bucket_name()
    s3.client(s3_endpoint).put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/trash/*"}]}))
    response = admin_client.post(_restore_url(version), follow=True)
    assert response.status_code == 200
    assert "refused access (403) while restoring a version" in response.content.decode()
    product.refresh_from_db()
    assert product.image.name != first and FileVersion.objects.filter(pk=version.pk).exists()  # nothing changed
    assert "Storage error while restoring a version" in caplog.text


def _bucket_name():
    from django.core.files.storage import storages

    return storages["default"].bucket_name


def test_a_version_keeps_its_focal_point_and_a_restore_brings_it_back(admin_client, lamp):
    Product.objects.filter(pk=lamp.pk).update(image_focal_x=92, image_focal_y=50)
    lamp.refresh_from_db()
    data = _change_data(lamp, image=factories.image_upload("new.jpg", color=(9, 9, 9)),
                        image_focal_x="92", image_focal_y="50")  # the fields come back unchanged
    assert admin_client.post(_change_url(lamp), data).status_code == 302
    lamp.refresh_from_db()
    assert (lamp.image_focal_x, lamp.image_focal_y) == (None, None)  # the new picture starts centred
    version = FileVersion.objects.get()
    assert (version.focal_x, version.focal_y) == (92, 50)
    Product.objects.filter(pk=lamp.pk).update(image_focal_x=10, image_focal_y=20)  # set on the new one
    assert admin_client.post(_restore_url(version)).status_code == 302
    lamp.refresh_from_db()
    assert (lamp.image_focal_x, lamp.image_focal_y) == (92, 50)  # the restored picture, cropped as it was
    previous = FileVersion.objects.get()
    assert (previous.focal_x, previous.focal_y) == (10, 20)  # and the replaced one keeps its own point


def test_a_restore_brings_back_the_alt_text_written_for_that_picture(admin_client, lamp):
    Product.objects.filter(pk=lamp.pk).update(image_alt_text="A brass lamp, lit")
    lamp.refresh_from_db()
    data = _change_data(lamp, image=factories.image_upload("new.jpg", color=(9, 9, 9)),
                        image_alt_text="A steel lamp, dark")
    assert admin_client.post(_change_url(lamp), data).status_code == 302
    version = FileVersion.objects.get()
    assert (version.alt_text, version.decorative) == ("A brass lamp, lit", False)
    page = html.unescape(admin_client.get(_restore_url(version)).content.decode())
    assert "Its alt text comes back with it: “A brass lamp, lit”" in page
    assert admin_client.post(_restore_url(version)).status_code == 302
    lamp.refresh_from_db()
    assert (lamp.image_alt_text, lamp.image_decorative) == ("A brass lamp, lit", False)
    assert FileVersion.objects.get().alt_text == "A steel lamp, dark"  # the replaced picture keeps its words


def test_a_gallery_images_version_keeps_its_decorative_mark(admin_client, lamp):
    image = lamp.images.get()
    ProductImage.objects.filter(pk=image.pk).update(alt_text="", decorative=True)
    image.refresh_from_db()
    image.image = factories.image_upload("swap.png", "PNG", color=(1, 2, 3))
    image.alt_text, image.decorative = "A red swatch", False
    image.save()
    version = FileVersion.objects.get()
    assert (version.alt_text, version.decorative) == ("", True)
    assert admin_client.post(_restore_url(version)).status_code == 302
    image.refresh_from_db()
    assert (image.alt_text, image.decorative) == ("", True)


def test_a_documents_version_records_no_image_description(admin_client, lamp):
    document = lamp.documents.get()
    document.file = factories.pdf_upload("manual-v2.pdf", "Two")
    document.save()
    version = FileVersion.objects.get()
    assert (version.decorative, version.focal_x, version.alt_text) == (None, None, "")


def test_an_older_version_without_a_recorded_description_says_so_and_keeps_the_alt_text(admin_client, lamp):
    Product.objects.filter(pk=lamp.pk).update(image_alt_text="A brass lamp")
    lamp = _replace_main_image(admin_client, Product.objects.get(pk=lamp.pk))
    FileVersion.objects.update(decorative=None, alt_text="", focal_x=None, focal_y=None)  # made before 0012
    version = FileVersion.objects.get()
    Product.objects.filter(pk=lamp.pk).update(image_alt_text="A steel lamp")
    page = html.unescape(admin_client.get(_restore_url(version)).content.decode())
    assert "Its alt text was not recorded" in page and "comes back with it" not in page
    assert admin_client.post(_restore_url(version)).status_code == 302
    assert Product.objects.get(pk=lamp.pk).image_alt_text == "A steel lamp"
