"""The alt-text rule: an image carries alt text or is marked decorative; which images break it.

One place for the rule, used by the changelist filters, the admin index count and the warnings
after a save (admin and staff form).
"""
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Product, ProductImage

# Shown in the warning: enough names to find them, never a wall of text.
NAMED_AT_MOST = 5


def main_image_missing_q():
    """Products whose main image has neither alt text nor the decorative mark."""
    return Q(image__gt="", image_alt_text="", image_decorative=False)


def gallery_image_missing_q():
    """Gallery images with neither alt text nor the decorative mark."""
    return Q(alt_text="", decorative=False)


def product_missing_q():
    """Products with any image (main or gallery) missing its alt text."""
    gallery = ProductImage.objects.filter(gallery_image_missing_q(), product=OuterRef("pk"))
    return main_image_missing_q() | Q(Exists(gallery))


def missing_counts():
    """(products with any image missing alt text, gallery images missing it), site-wide.

    The same questions the changelists' "missing alt text" filters ask, so each count is the
    length of the list its link opens.
    """
    return (Product.objects.filter(product_missing_q()).count(),
            ProductImage.objects.filter(gallery_image_missing_q()).count())


def missing_labels(product):
    """What the staff member sees named: "the main image" and the gallery images' file names."""
    labels = [_("the main image")] if product.pk and Product.objects.filter(
        main_image_missing_q(), pk=product.pk).exists() else []
    gallery = ProductImage.objects.filter(gallery_image_missing_q(), product=product) if product.pk else []
    return labels + [image.display_name for image in gallery]


def warning(product):
    """The warning shown after saving a product whose images lack alt text, or None."""
    labels = missing_labels(product)
    if not labels:
        return None
    named = ", ".join(labels[:NAMED_AT_MOST]) + (", …" if len(labels) > NAMED_AT_MOST else "")
    return ngettext(
        "%(count)d image of “%(product)s” has no alt text: %(names)s. Describe what it shows, or tick "
        "“decorative” if it adds nothing the page does not already say.",
        "%(count)d images of “%(product)s” have no alt text: %(names)s. Describe what each shows, or tick "
        "“decorative” where an image adds nothing the page does not already say.",
        len(labels)) % {"count": len(labels), "product": product.name, "names": named}


def gallery_warning(image):
    """The warning shown after saving one gallery image without alt text or the decorative mark, or None."""
    if image.alt_text or image.decorative:
        return None
    return _("“%(name)s” has no alt text. Describe what it shows, or tick “decorative” if it adds nothing "
             "the page does not already say.") % {"name": image.display_name}
