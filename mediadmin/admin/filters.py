"""Changelist filters for products."""
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .. import alt_text
from ..models import ProductDocument


class _YesNoFilter(admin.SimpleListFilter):
    """Base for a yes/no filter; subclasses set `yes_q()`."""

    def lookups(self, request, model_admin):
        """Offer yes and no."""
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        """Keep the rows matching the chosen answer."""
        if self.value() == "yes":
            return queryset.filter(self.yes_q())
        if self.value() == "no":
            return queryset.exclude(self.yes_q())
        return queryset


class HasImageFilter(_YesNoFilter):
    """Products with or without a main image."""

    title = _("has image")
    parameter_name = "has_image"

    def yes_q(self):
        """A non-empty image name."""
        return Q(image__gt="")


class HasDocumentsFilter(_YesNoFilter):
    """Products with or without documents."""

    title = _("has documents")
    parameter_name = "has_documents"

    def yes_q(self):
        """At least one document row."""
        return Q(Exists(ProductDocument.objects.filter(product=OuterRef("pk"))))


class MissingAltTextFilter(_YesNoFilter):
    """Products whose main image or a gallery image has neither alt text nor the decorative mark."""

    title = _("missing alt text")
    parameter_name = "missing_alt"

    def yes_q(self):
        """The alt-text rule (mediadmin.alt_text)."""
        return alt_text.product_missing_q()


class GalleryMissingAltTextFilter(MissingAltTextFilter):
    """Gallery images with neither alt text nor the decorative mark."""

    def yes_q(self):
        """The alt-text rule (mediadmin.alt_text)."""
        return alt_text.gallery_image_missing_q()
