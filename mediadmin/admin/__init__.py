"""Admin registration and branding only; each ModelAdmin lives in its own module."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import FileEvent, Product, ProductDocument, ProductImage
from .activity import FileEventAdmin
from .files import ProductDocumentAdmin, ProductImageAdmin
from .product import ProductAdmin

admin.site.site_header = _("mediadmin")
admin.site.site_title = _("mediadmin")
admin.site.index_title = _("Products and their files")
admin.site.index_template = "admin/mediadmin/index.html"  # adds the missing-alt-text count

admin.site.register(Product, ProductAdmin)
admin.site.register(ProductImage, ProductImageAdmin)
admin.site.register(ProductDocument, ProductDocumentAdmin)
admin.site.register(FileEvent, FileEventAdmin)
