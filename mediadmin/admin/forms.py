"""Forms of the extra admin views: the bulk upload page."""
from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .. import upload_kinds
from ..models import Product, ProductDocument, ProductImage
from ..widgets import GalleryOrderWidget

BY_SKU = "sku"
ONE_PRODUCT = "product"


class BulkUploadForm(forms.Form):
    """Where the files of a bulk upload go: by the SKU starting their names, or to one product."""

    target = forms.ChoiceField(
        label=_("Attach each file to"), widget=forms.RadioSelect, initial=BY_SKU,
        choices=[(BY_SKU, _("the product whose SKU starts its file name (AB-123_manual.pdf)")),
                 (ONE_PRODUCT, _("the product chosen below"))],
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), required=False,
        empty_label=_("— choose a product —"),
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        """With an admin site, the product is picked with the admin's own searchable autocomplete."""
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            # Searches ProductAdmin.search_fields (name, SKU) as one types: a shop's thousands of
            # products are never all sent in one <select>.
            self.fields["product"].widget = AutocompleteSelect(
                ProductImage._meta.get_field("product"), admin_site,
                attrs={"data-placeholder": _("Type a name or SKU")})
            self.fields["product"].widget.choices = self.fields["product"].choices  # what the field would set
    visibility = forms.ChoiceField(
        label=_("Documents are"), choices=ProductDocument.Visibility.choices,
        initial=ProductDocument.Visibility.PUBLIC, required=False,
    )
    allow_duplicate = forms.BooleanField(
        label=_("Keep files already attached to the product (duplicates) anyway"), required=False,
    )

    def clean(self):
        """A product is required when everything goes to one product."""
        data = super().clean()
        if data.get("target") == ONE_PRODUCT and not data.get("product"):
            self.add_error("product", _("Choose the product the files go to."))
        return data

    def product_for(self, filename, matches):
        """The product a file goes to: the chosen one, or the SKU match (None when unmatched)."""
        if self.cleaned_data["target"] == ONE_PRODUCT:
            return self.cleaned_data["product"]
        return matches.get(filename)



class LabelledRowFormSet(BaseInlineFormSet):
    """Inline rows whose inputs are named for screen readers: "Alt text (photo.jpg)".

    A tabular inline shows each field's label once, as a column heading, which assistive
    technology does not tie to the inputs below it; each input (the delete box too, which the
    formset adds after the form is made) gets its column's label and its row.
    """

    def add_fields(self, form, index):
        """Add the formset's own fields, then label every visible input with its column and row."""
        super().add_fields(form, index)
        row = str(form.instance) if form.instance.pk else _("new row")
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class GalleryFormSet(LabelledRowFormSet):
    """Gallery rows: new rows start at the position after the last stored one, also without JavaScript."""

    def get_form_kwargs(self, index):
        """Initial position of the extra rows and of "Add another"'s template: after the stored rows."""
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            extra = 0 if index is None else index - self.initial_form_count()
            kwargs["initial"] = {GalleryRowForm.order_field: self._next_position() + extra}
        return kwargs

    def _next_position(self):
        positions = [getattr(obj, GalleryRowForm.order_field) for obj in self.get_queryset()]
        return max(positions) + 1 if positions else 0


class GalleryRowForm(forms.ModelForm):
    """A gallery row: its position input carries the row's reorder and "Use as main image" tools.

    The page numbers new rows after the last one ("Add another" takes the next position), so
    a new row whose only change is that number is still an empty row, not a missing image.
    """

    order_field = upload_kinds.KINDS[upload_kinds.IMAGES].order_field

    class Meta:
        widgets = {upload_kinds.KINDS[upload_kinds.IMAGES].order_field: GalleryOrderWidget,
                   # Filled by a click on the row's preview (focal-point.js) or its arrow keys.
                   "focal_x": forms.HiddenInput, "focal_y": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        """Tell the order widget which row it belongs to (its buttons name it)."""
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.order_field)  # absent when the user may only view the rows
        if field is not None and self.instance.pk:
            field.widget.row_name, field.widget.object_id = str(self.instance), self.instance.pk

    def has_changed(self):
        """Changed in more than the position the page filled in (for a row not saved yet)."""
        if self.instance.pk:
            return super().has_changed()
        return any(name != self.order_field for name in self.changed_data)
