"""The public site: product list, product page and the staff product form."""
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django.views.static import serve

from . import alt_text, downloads, filenames, permissions, selectors, services, thumbnails
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
    """Create (no slug: add_product) or edit (slug: change_product) a product through ProductForm."""

    template_name = "mediadmin/product_form.html"

    def get_object(self, queryset=None):
        """The product being edited (404 when unknown), or None for a new one; 403 without the permission."""
        slug = self.kwargs.get("slug")
        product = get_object_or_404(Product, slug=slug) if slug else None
        user = self.request.user
        allowed = permissions.may_change_product(user, product) if product else permissions.may_add_product(user)
        if not allowed:
            raise PermissionDenied
        return product

    def get(self, request, *args, **kwargs):
        """Show the empty or filled form."""
        product = self.get_object()
        return self._render(self._form(product), product)

    def post(self, request, *args, **kwargs):
        """Validate and save through services.product_save (its own transaction), or show the errors."""
        product = self.get_object()
        form = self._form(product, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, product, status=400)
        try:
            product = services.product_save(product=form.save(commit=False), user=self.request.user)
        except StorageWriteError as exc:
            form.add_error(None, str(exc))
            return self._render(form, product, status=503)
        except ValidationError as exc:  # a file refused while being stored (fields.py pre_save)
            form.add_error(None, exc)
            return self._render(form, product, status=400)
        messages.success(request, _("“%(product)s” was saved.") % {"product": product.name})
        if message := alt_text.warning(product):
            messages.warning(request, message)
        return redirect(product)

    def _form(self, product, *args):
        allow_document = permissions.may_set_product_document(self.request.user)
        return ProductForm(*args, instance=product, allow_document=allow_document)

    def _render(self, form, product, status=200):
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "product": product}, status=status)


def favicon(request):
    """/favicon.ico: a permanent redirect to the logo, instead of a 404 logged on every first visit."""
    return redirect(static("mediadmin/img/logo.svg"), permanent=True)


def document_download(request, name):
    """Send a document as an attachment if permissions.may_download_document allows it."""
    download = selectors.download_for_stored_name(name)
    if download is None:
        raise Http404(_("No such document."))
    if not permissions.may_download_document(request.user, download):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        raise PermissionDenied
    return downloads.response_for(download)


def serve_media(request, path):
    """Serve MEDIA_ROOT for development and test servers (DEBUG, MEDIADMIN_SERVE_MEDIA); read at request time.

    Never the trash or the versions (contract 3): 404 for any path with a folder or file
    starting with a dot (`.trash/`, `.versions/`; no uploaded file has such a name).
    """
    if filenames.is_hidden(path):
        raise Http404(_("No such file."))
    return serve(request, path, document_root=settings.MEDIA_ROOT)
