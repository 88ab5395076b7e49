"""URLs: the admin, the public site and, in development, the media files."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path, re_path

from . import views

handler400 = "mediadmin.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.ProductListView.as_view(), name="product_list"),
    path("favicon.ico", views.favicon, name="favicon"),  # browsers ask for it whatever the pages say
    path("products/new/", views.ProductFormView.as_view(), name="product_create"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<slug:slug>/edit/", views.ProductFormView.as_view(), name="product_edit"),
    # MEDIADMIN_PRIVATE_URL: the private storage's URLs point here.
    path("documents/<path:name>", views.document_download, name="document_download"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.MEDIADMIN_SERVE_MEDIA:
    # static() is a no-op without DEBUG; test servers opt in with this flag, and
    # check mediadmin.W003 warns when it is on in production.
    urlpatterns += [
        re_path(r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"), views.serve_media),
    ]
