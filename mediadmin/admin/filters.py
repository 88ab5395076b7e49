"""Changelist filters for products."""
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

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
