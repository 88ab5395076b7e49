"""URLs: the admin, the public site and, in development, the media files."""
from django.conf import settings
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

if settings.DEBUG or settings.MEDIADMIN_SERVE_MEDIA:
    # Django's static() helper would serve everything under MEDIA_ROOT, the trash and the
    # versions included; views.serve_media refuses those. Test servers opt in with the flag,
    # and check mediadmin.W003 warns when it is on in production.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.serve_media),
    ]
