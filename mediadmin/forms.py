"""Forms of the public site."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Product
from .widgets import ImagePreviewWidget


class ProductForm(forms.ModelForm):
    """Staff form to create or edit a product: name, SKU, description, image (with a preview), document.

    Validation is the model fields' own (validators.py), the same as in the admin. Unless
    `allow_document` is true (permissions.may_set_product_document) the document field is left out,
    and a document sent anyway is refused with a message rather than silently dropped.
    """

    document_refused = _("You do not have permission to set the product's document.")

    class Meta:
        model = Product
        fields = ("name", "sku", "description", "image", "image_alt_text", "image_decorative", "document")
        widgets = {
            # The admin's widget: the current thumbnail, and a preview of a newly chosen file.
            "image": ImagePreviewWidget(size_name="admin_preview"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, allow_document=False, **kwargs):
        """The form, without its document field when the user may not set documents."""
        super().__init__(*args, **kwargs)
        self.allow_document = allow_document
        if not allow_document:
            del self.fields["document"]

    def clean(self):
        """Refuse a document (or its clearing) from a user who may not set it."""
        cleaned_data = super().clean()
        if not self.allow_document and ("document" in self.files or "document-clear" in self.data):
            raise forms.ValidationError(self.document_refused, code="permission_denied")
        return cleaned_data
