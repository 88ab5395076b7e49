"""Forms of the extra admin views: the bulk upload page."""
from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Product, ProductDocument

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
