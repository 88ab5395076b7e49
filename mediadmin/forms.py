"""Forms of the public site."""
from django import forms

from . import imaging
from .models import Product
from .widgets import IMAGE_ACCEPT


class ProductForm(forms.ModelForm):
    """Staff form to create or edit a product's name, image and document.

    Validation is the model fields' own (validators.py), the same as in the admin.
    """

    class Meta:
        model = Product
        fields = ("name", "image", "document")
        widgets = {
            "image": forms.ClearableFileInput(attrs={
                "accept": ",".join(IMAGE_ACCEPT.get(f, "") for f in imaging.allowed_formats()),
            }),
        }
