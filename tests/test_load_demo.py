"""load_demo makes products with images, galleries and PDFs; a second run changes nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mediadmin.models import Product, ProductDocument, ProductImage

pytestmark = pytest.mark.django_db(transaction=True)


def test_load_demo_is_complete_and_idempotent(monkeypatch, files_in, capsys):
    monkeypatch.setenv("DJANGO_DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo", products=3)
    assert Product.objects.count() == 3
    assert ProductImage.objects.count() == 9
    sizes = {(i.width, i.height) for i in ProductImage.objects.all()}
    assert len(sizes) >= 3  # several sizes and orientations
    doc = ProductDocument.objects.first()
    assert doc.content_type == "application/pdf" and doc.file.read().startswith(b"%PDF-")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-pass-123")
    before = (files_in(), list(Product.objects.values_list("pk", "updated")))
    call_command("load_demo", products=3)
    assert (files_in(), list(Product.objects.values_list("pk", "updated"))) == before
    assert "already there" in capsys.readouterr().out
