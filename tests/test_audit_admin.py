"""The admin's storage audit page, its permission and actions, and "used by" on file pages."""
import os
import time

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.urls import reverse

from mediadmin import audit
from mediadmin.models import ProductImage

from . import factories
from .audit_helpers import age_restore_records, make_old, scenario, store

pytestmark = pytest.mark.django_db(transaction=True)
AUDIT_URL = "admin:mediadmin_product_audit"


@pytest.fixture
def staff_client(client):
    """A staff user who may see products but has no audit permission."""
    user = User.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(user)
    client.user = user
    return client


def test_staff_without_the_permission_is_refused(staff_client):
    assert staff_client.get(reverse(AUDIT_URL)).status_code == 403
    assert staff_client.post(reverse(AUDIT_URL), {"action": "quarantine"}).status_code == 403
    changelist = staff_client.get(reverse("admin:mediadmin_product_changelist"))
    assert reverse(AUDIT_URL) not in changelist.content.decode()


def test_staff_with_the_permission_gets_the_page_and_the_link(staff_client):
    staff_client.user.user_permissions.add(Permission.objects.get(codename="audit_storage"))
    assert staff_client.get(reverse(AUDIT_URL)).status_code == 200
    changelist = staff_client.get(reverse("admin:mediadmin_product_changelist"))
    assert reverse(AUDIT_URL) in changelist.content.decode()


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(reverse(AUDIT_URL))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_page_shows_counts_orphans_missing_rows_shared_files_and_totals(admin_client, media_root):
    s = scenario(default_storage)
    make_old(default_storage, s["orphans"][0])
    response = admin_client.get(reverse(AUDIT_URL))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].orphan_totals.count == 2
    for orphan in s["orphans"]:
        assert orphan in html
    assert f'value="{s["orphans"][0]}"' in html  # old enough: selectable
    assert f'value="{s["orphans"][1]}"' not in html  # too recent: not selectable
    ghost_url = reverse("admin:mediadmin_product_change", args=[s["ghost"].pk])
    assert ghost_url in html  # missing file links to its row
    assert reverse("admin:mediadmin_product_change", args=[s["twin"].pk]) in html  # shared file
    assert "Gallery images: image" in html and "mediadmin.ProductImage.image" not in html  # staff words
    assert "Auditing: Images" in html and "csrfmiddlewaretoken" in html
    assert f'src="/media/{s["orphans"][0]}"' in html or "mediadmin-audit-preview" in html  # image orphans previewed
    private = admin_client.get(reverse(AUDIT_URL) + "?storage=private").content.decode()
    assert "Documents: file" in private


def test_quarantine_restore_and_purge_from_the_page(admin_client, media_root):
    name = store(default_storage, "product_images/old.jpg", b"bytes")
    make_old(default_storage, name)
    url = reverse(AUDIT_URL)
    response = admin_client.post(url, {"action": "quarantine", "name": [name]}, follow=True)
    assert "Moved 1 file into trash batch" in response.content.decode()
    assert not (media_root / name).exists()
    [batch] = response.context["batches"]
    assert list(batch.names) == [name] and "1 file" in response.content.decode()  # what the batch holds
    assert "Put 1 file back where it was?" in response.content.decode()  # restore asks first
    response = admin_client.post(url, {"action": "restore", "batch": batch.id}, follow=True)
    assert (media_root / name).read_bytes() == b"bytes"
    assert response.context["batches"] == []
    assert abs(os.path.getmtime(media_root / name) - (time.time() - 3 * 86400)) < 5  # its old time kept
    response = admin_client.post(url, {"action": "quarantine", "name": [name]}, follow=True)
    assert "1 file stayed" in response.content.decode()  # restored a moment ago: not moved back at once
    age_restore_records(audit.trash_for(default_storage), batch.id)
    admin_client.post(url, {"action": "quarantine", "name": [name]})
    [batch] = audit.batches(audit.trash_for(default_storage))
    response = admin_client.post(url, {"action": "purge", "batch": batch.id}, follow=True)
    assert "deleted for good" in response.content.decode()
    assert audit.batches(audit.trash_for(default_storage)) == []


def test_quarantine_from_the_page_skips_a_referenced_file(admin_client, media_root):
    product = factories.product("Chair")
    response = admin_client.post(reverse(AUDIT_URL), {"action": "quarantine", "name": [product.image.name]},
                                 follow=True)
    assert "1 file stayed" in response.content.decode()
    assert (media_root / product.image.name).exists()


@pytest.mark.parametrize("action", ["restore", "purge"])
@pytest.mark.parametrize("batch", ["../x", "", "20261124T182405Z-1a2b3c", "20261124T182405Z-1a2b3c/../..",
                                   "x" * 5000, "20261124T182405Z-1A2B3C\x00"])
def test_malformed_and_unknown_batch_ids_are_404_not_a_crash(admin_client, media_root, action, batch):
    """Malformed or unknown batch ids are a 404 for restore and purge; nothing in the trash moves."""
    name = store(default_storage, "product_images/kept.jpg", b"kept")
    make_old(default_storage, name)
    admin_client.post(reverse(AUDIT_URL), {"action": "quarantine", "name": [name]})
    [kept] = audit.batches(audit.trash_for(default_storage))
    response = admin_client.post(reverse(AUDIT_URL), {"action": action, "batch": batch})
    assert response.status_code == 404
    assert [b.id for b in audit.batches(audit.trash_for(default_storage))] == [kept.id]


def test_purge_from_the_page_refuses_a_batch_of_another_storage(admin_client, media_root, settings):
    """The page could purge another storage's batch; now the service refuses it and the page words it."""
    name = store(default_storage, "product_images/old.jpg", b"bytes")
    make_old(default_storage, name)
    admin_client.post(reverse(AUDIT_URL), {"action": "quarantine", "name": [name]})
    [batch] = audit.batches(audit.trash_for(default_storage))
    settings.MEDIADMIN_TRASH_STORAGE = "default"  # the private storage shares the default trash
    for action in ("purge", "restore"):
        response = admin_client.post(reverse(AUDIT_URL), {"action": action, "batch": batch.id,
                                                          "storage": "private"}, follow=True)
        assert response.status_code == 200
        assert f"Batch {batch.id} came from the storage &#x27;default&#x27;, not &#x27;private&#x27;" \
            in response.content.decode()
    assert [b.id for b in audit.batches(audit.trash_for(default_storage))] == [batch.id]
    assert (media_root / ".trash" / batch.id / "files" / name).read_bytes() == b"bytes"
    assert not (media_root / name).exists()


def test_change_views_show_where_a_file_is_used(admin_client):
    product = factories.product("Lamp")
    gallery = factories.gallery_image(product)
    twin = ProductImage(product=product)
    twin.image.name = gallery.image.name
    twin.save()
    document = factories.document(product)
    html = admin_client.get(reverse("admin:mediadmin_productimage_change", args=[gallery.pk])).content.decode()
    assert reverse("admin:mediadmin_productimage_change", args=[twin.pk]) in html
    assert "this row" in html
    html = admin_client.get(reverse("admin:mediadmin_productdocument_change", args=[document.pk])).content.decode()
    assert f"Document #{document.pk} (file)" in html
