"""Test data built in memory: images with Pillow, PDFs, products."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mediadmin.demo import simple_pdf
from mediadmin.models import Product, ProductDocument, ProductImage


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 80, 40), mode="RGB"):
    """Bytes of a solid image with a gradient band, in the given format."""
    img = Image.new(mode, size, color if mode == "RGB" else color + (255,))
    band = Image.linear_gradient("L").resize((size[0], max(size[1] // 4, 1)))
    img.paste(band.convert(mode), (0, 0))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def image_upload(name="photo.jpg", fmt="JPEG", size=(640, 480), content_type_claim=None, **kwargs):
    """An uploaded image file as a form would receive it (the browser's type can be faked)."""
    content_type = content_type_claim or f"image/{'jpeg' if fmt == 'JPEG' else fmt.lower()}"
    return SimpleUploadedFile(name, image_bytes(fmt, size, **kwargs), content_type=content_type)


def pdf_bytes(title="Spec sheet"):
    """Bytes of a small, valid PDF."""
    return simple_pdf(title, ["mediadmin test document"])


def pdf_upload(name="spec.pdf", title="Spec sheet"):
    """An uploaded PDF."""
    return SimpleUploadedFile(name, pdf_bytes(title), content_type="application/pdf")


def product(name="Test product", sku="", with_image=True, **kwargs):
    """A saved product, with a main image by default."""
    obj = Product(name=name, sku=sku, **kwargs)
    if with_image:
        obj.image = image_upload(f"{obj.name.lower().replace(' ', '-')}.jpg")
    obj.save()
    return obj


def gallery_image(product, position=0, **kwargs):
    """A saved gallery image of a product."""
    obj = ProductImage(product=product, position=position, image=image_upload(f"g{position}.png", "PNG"),
                       **kwargs)
    obj.save()
    return obj


def document(product, name="manual.pdf"):
    """A saved document with server-computed metadata."""
    from mediadmin import services

    return services.document_save(document=ProductDocument(product=product, file=pdf_upload(name)))


def store_simultaneously(name, count):
    """Store `count` images uploaded under one name at the same moment, one thread each.

    Each image's red channel is its index, so a test can tell the files apart.
    """
    import threading

    field = Product._meta.get_field("image")
    products = [Product(name=f"P{i}", image=image_upload(name, color=(i, 0, 0))) for i in range(count)]
    barrier = threading.Barrier(count)

    def store(product):
        barrier.wait()
        field.pre_save(product, add=True)

    threads = [threading.Thread(target=store, args=(p,)) for p in products]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return products
