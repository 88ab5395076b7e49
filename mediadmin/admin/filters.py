"""Changelist filters for products."""
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .. import alt_text
from ..models import ProductDocument


class _YesNoFilter(admin.SimpleListFilter):
    """Base for a yes/no filter; subclasses set `yes_q()` and the two choices' words."""

    yes_label = _("Yes")
    no_label = _("No")

    def lookups(self, request, model_admin):
        """Offer the two answers, in words staff use."""
        return [("yes", self.yes_label), ("no", self.no_label)]

    def queryset(self, request, queryset):
        """Keep the rows matching the chosen answer."""
        if self.value() == "yes":
            return queryset.filter(self.yes_q())
        if self.value() == "no":
            return queryset.exclude(self.yes_q())
        return queryset


class HasImageFilter(_YesNoFilter):
    """Products with or without a main image."""

    title = _("main image")
    parameter_name = "has_image"
    yes_label = _("With a main image")
    no_label = _("Without a main image")

    def yes_q(self):
        """A non-empty image name."""
        return Q(image__gt="")


class HasDocumentsFilter(_YesNoFilter):
    """Products with or without documents."""

    title = _("documents")
    parameter_name = "has_documents"
    yes_label = _("With documents")
    no_label = _("Without documents")

    def yes_q(self):
        """At least one document row."""
        return Q(Exists(ProductDocument.objects.filter(product=OuterRef("pk"))))


class MissingAltTextFilter(_YesNoFilter):
    """Products whose main image or a gallery image has neither alt text nor the decorative mark."""

    title = _("alt text")
    parameter_name = "missing_alt"
    yes_label = _("Missing")
    no_label = _("Written or decorative")

    def yes_q(self):
        """The alt-text rule (mediadmin.alt_text)."""
        return alt_text.product_missing_q()


class GalleryMissingAltTextFilter(MissingAltTextFilter):
    """Gallery images with neither alt text nor the decorative mark."""

    def yes_q(self):
        """The alt-text rule (mediadmin.alt_text)."""
        return alt_text.gallery_image_missing_q()
