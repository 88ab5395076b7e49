"""The public site: product list, product page and the staff product form."""
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView
from django.views.static import serve

from . import downloads, selectors, services, thumbnails
from .fields import StorageWriteError
from .forms import ProductForm
from .models import Product


class ProductListView(ListView):
    """All products with their thumbnails."""

    template_name = "mediadmin/product_list.html"
    context_object_name = "products"
    paginate_by = 24

    def get_queryset(self):
        """Products ordered by name."""
        return selectors.product_list()

    def get_context_data(self, **kwargs):
        """The page's products, with their card thumbnails' entries loaded in one query."""
        context = super().get_context_data(**kwargs)
        thumbnails.prefetch_objects(context["products"], [("image", "card")])
        return context


class ProductDetailView(DetailView):
    """One product: main image, gallery and document downloads."""

    template_name = "mediadmin/product_detail.html"
    context_object_name = "product"

    def get_queryset(self):
        """Products with gallery and documents prefetched."""
        return selectors.product_detail_queryset()

    def get_context_data(self, **kwargs):
        """Only the documents this visitor may download; the thumbnails loaded in one query each."""
        context = super().get_context_data(**kwargs)
        context["documents"] = selectors.visible_documents(self.object, self.request.user)
        product = context["product"]
        thumbnails.prefetch_objects([product], [("image", "detail")])
        thumbnails.prefetch_objects(product.images.all(), [("image", "gallery")])
        return context


@method_decorator(staff_member_required, name="dispatch")
class ProductFormView(DetailView):
    """Create (no slug) or edit (slug) a product through ProductForm; staff only."""

    template_name = "mediadmin/product_form.html"

    def get_object(self, queryset=None):
        """The product being edited, or None for a new one."""
        slug = self.kwargs.get("slug")
        return get_object_or_404(Product, slug=slug) if slug else None

    def get(self, request, *args, **kwargs):
        """Show the empty or filled form."""
        product = self.get_object()
        return self._render(ProductForm(instance=product), product)

    def post(self, request, *args, **kwargs):
        """Validate and save, or show the form again with its errors."""
        product = self.get_object()
        form = ProductForm(request.POST, request.FILES, instance=product)
        if not form.is_valid():
            return self._render(form, product, status=400)
        try:
            with transaction.atomic():
                product = services.product_save(product=form.save(commit=False))
        except StorageWriteError as exc:
            form.add_error(None, str(exc))
            return self._render(form, product, status=503)
        except ValidationError as exc:  # a file refused while being stored (fields.py pre_save)
            form.add_error(None, exc)
            return self._render(form, product, status=400)
        return redirect(product)

    def _render(self, form, product, status=200):
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "product": product}, status=status)


def document_download(request, name):
    """Send a document as an attachment; staff-only documents need the view permission."""
    download = selectors.download_for_stored_name(name)
    if download is None:
        raise Http404(_("No such document."))
    if not download.public and not _may_see_private(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        raise PermissionDenied
    return downloads.response_for(download)


def _may_see_private(user):
    return user.is_active and user.is_staff and user.has_perm("mediadmin.view_productdocument")


def serve_media(request, path):
    """Serve MEDIA_ROOT for test servers (MEDIADMIN_SERVE_MEDIA); read at request time."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
