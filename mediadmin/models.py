"""Products and the files attached to them."""
import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import filenames
from .fields import SafeFileField, SafeImageField, decorative_field, focal_point_fields
from .storages import private_storage


class Product(models.Model):
    """A product with a main image, an optional document, a gallery and documents."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, blank=True,
        help_text=_("Used in the product's public URL; made from the name when left empty."),
    )
    sku = models.CharField(
        _("SKU"), max_length=64, blank=True, default="",
        help_text=_("Optional stock-keeping unit; unique when set."),
    )
    description = models.TextField(_("description"), blank=True, default="")
    image = SafeImageField(_("main image"), upload_to="product_images/", blank=True, db_index=True,
                           focal_fields=("image_focal_x", "image_focal_y"))
    image_focal_x, image_focal_y = focal_point_fields()
    image_alt_text = models.CharField(
        _("alt text of the main image"), max_length=250, blank=True, default="",
        help_text=_("What the image shows, for people who cannot see it (screen readers, slow connections)."),
    )
    image_decorative = decorative_field(_("main image is decorative"))
    document = SafeFileField(
        _("document"), upload_to="product_docs/", blank=True, storage=private_storage, db_index=True,
        help_text=_("Public; downloaded as an attachment through the document view."),
    )
    # The client's name of the document, set by services.product_save; downloads use its stem.
    document_original_name = models.CharField(
        _("document's original file name"), max_length=255, blank=True, default="", editable=False,
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [
            ("audit_storage", _("Can audit the media storage and quarantine, restore or purge files")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sku"], condition=~Q(sku=""), name="mediadmin_product_sku_unique",
                violation_error_message=_("A product with this SKU already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Fill the slug from the name when it is empty."""
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Public product page."""
        return reverse("product_detail", kwargs={"slug": self.slug})

    def _unique_slug(self):
        base = (slugify(self.name) or "product")[:200]
        slug, n = base, 2
        others = Product.objects.exclude(pk=self.pk)
        while others.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def image_alt(self):
        """The main image's alt attribute on public pages: empty when decorative or not written yet."""
        return "" if self.image_decorative else self.image_alt_text

    @property
    def document_download_name(self):
        """The name the document is downloaded under: its original stem, the detected type's extension.

        A row saved without the service (no original name) falls back to the stored name
        without its random suffix, then to the product's slug.
        """
        original = (self.document_original_name or filenames.unsuffixed_name(self.document.name)
                    or self.slug or "document")
        return filenames.download_name(original, filenames.extension(self.document.name))


class ProductImage(models.Model):
    """One image of a product's gallery; width and height are read from the file."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    image = SafeImageField(
        _("image"), upload_to="product_gallery/", width_field="width", height_field="height", db_index=True,
        hash_field="sha256", focal_fields=("focal_x", "focal_y"), original_name_field="original_name",
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, default="",
                                     editable=False)
    focal_x, focal_y = focal_point_fields()
    alt_text = models.CharField(
        _("alt text"), max_length=250, blank=True, default="",
        help_text=_("What the image shows, for people who cannot see it."),
    )
    decorative = decorative_field(_("decorative"))
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    # Filled from the stored bytes by the image field on every save (hash_field); rows stored before
    # that are hashed lazily by services.uploads when a duplicate is looked for.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="", editable=False,
                              db_index=True)
    # Set by the services on every path (admin form and inline, drop zone, bulk page), like documents'.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")

    def __str__(self):
        return self.alt_text or self.display_name

    @property
    def display_name(self):
        """The file's name for people: the client's original name, else the stored one without its random part."""
        return original_file_name(self, "image")

    @property
    def alt(self):
        """The alt attribute on public pages: empty when decorative or not written yet."""
        return "" if self.decorative else self.alt_text


class ProductDocument(models.Model):
    """A document attached to a product; size, type and checksum come from the stored file."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="documents", verbose_name=_("product")
    )
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    class Visibility(models.TextChoices):
        """Who may download a document."""

        PUBLIC = "public", _("Public")
        STAFF = "staff", _("Staff only")

    file = SafeFileField(_("file"), upload_to="documents/", storage=private_storage, db_index=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC,
        help_text=_("Staff-only documents are never shown on the public site."),
    )
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title or self.original_name or self.file.name

    @property
    def is_public(self):
        """Anyone may download it."""
        return self.visibility == self.Visibility.PUBLIC

    @property
    def download_name(self):
        """The name it is downloaded under: the original stem, the stored (detected) type's extension."""
        return filenames.download_name(self.original_name or filenames.basename(self.file.name),
                                       filenames.extension(self.file.name))


class FileVersion(models.Model):
    """A file that was replaced (or cleared), kept in the versions folder until the retention ends.

    The row it belonged to is named by content type, id and field, so the four file fields
    (product image and document, gallery image, document file) share one table and a version
    outlives a deleted row (a recovered row finds its versions again). `name` is the copy's name
    in the versions storage `storage` (a STORAGES alias; mediadmin/services/versions.py); `source_name`
    the name it had when current.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+", verbose_name=_("row type"),
    )
    object_id = models.PositiveBigIntegerField(_("row id"))
    field_name = models.CharField(_("field"), max_length=100)
    name = models.CharField(_("stored version name"), max_length=500)
    storage = models.CharField(_("storage"), max_length=50, default="default",
                               help_text=_("The STORAGES alias holding the version's file and thumbnail."))
    source_name = models.CharField(_("name when current"), max_length=500)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    mime_type = models.CharField(_("content type"), max_length=100, blank=True, default="")
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    thumbnail = models.CharField(_("thumbnail name"), max_length=500, blank=True, default="")
    # What described an image when it was replaced (IMAGE_DESCRIPTION_FIELDS): a restore brings the
    # picture back cropped and described as it was. `decorative` None: nothing recorded (not an image).
    focal_x = models.PositiveSmallIntegerField(_("focal point, across (%)"), null=True, blank=True)
    focal_y = models.PositiveSmallIntegerField(_("focal point, down (%)"), null=True, blank=True)
    alt_text = models.CharField(_("alt text"), max_length=250, blank=True, default="")
    decorative = models.BooleanField(_("decorative"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("replaced by"),
    )
    replaced_at = models.DateTimeField(_("replaced at"), db_index=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        indexes = [models.Index(fields=["content_type", "object_id", "field_name"],
                                name="mediadmin_fileversion_row")]
        constraints = [models.UniqueConstraint(fields=["storage", "name"], name="mediadmin_fileversion_file")]

    def __str__(self):
        return self.original_name or filenames.basename(self.source_name)

    @property
    def is_image(self):
        """Whether a thumbnail was made (only images get one)."""
        return bool(self.thumbnail)


class FileEvent(models.Model):
    """One file operation on record: who did what to which file of which product, and when.

    Written by mediadmin.services.activity.record(); the product link is cleared when the
    product is deleted, its label and id stay so the line still says which product it was.
    """

    class Action(models.TextChoices):
        """What happened to the file."""

        UPLOAD = "upload", _("Upload")
        REPLACE = "replace", _("Replace")
        DELETE = "delete", _("Delete")
        VERSION_RESTORE = "version_restore", _("Version restore")
        RECOVER = "recover", _("Recover")
        REGENERATE = "regenerate", _("Regenerate thumbnails")
        TRASH_MOVE = "trash_move", _("Move to trash")
        TRASH_RESTORE = "trash_restore", _("Restore from trash")
        TRASH_PURGE = "trash_purge", _("Purge from trash")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="file_events",
        verbose_name=_("product"),
    )
    # Kept when the product is deleted: its History page shows these lines again once recovered.
    product_pk = models.BigIntegerField(_("product id"), null=True, blank=True, db_index=True)
    product_label = models.CharField(_("product name"), max_length=200, blank=True, default="")
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, default="")
    stored_name = models.CharField(_("stored name"), max_length=255, blank=True, default="", db_index=True)
    trash_batch = models.CharField(_("trash batch"), max_length=32, blank=True, default="")
    detail = models.TextField(_("detail"), blank=True, default="")

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("file event")
        verbose_name_plural = _("recent file activity")

    def __str__(self):
        return f"{self.get_action_display()}: {self.original_name or self.stored_name}"


# Row history and recovery (django-reversion): a product's version holds its gallery images and
# documents, so recovering a deleted product brings them back with it (services/recovery.py).
reversion.register(Product, follow=("images", "documents"))
reversion.register(ProductImage)
reversion.register(ProductDocument)

# The column keeping the client's file name of each file field (the stored name is server-made).
ORIGINAL_NAME_FIELDS = {
    (ProductDocument, "file"): "original_name",
    (ProductImage, "image"): "original_name",
    (Product, "document"): "document_original_name",
}

# The alt text and decorative mark of each image field: they describe the picture, so a version
# keeps them and a restore brings them back with the file (services/versions.py).
IMAGE_DESCRIPTION_FIELDS = {
    (Product, "image"): ("image_alt_text", "image_decorative"),
    (ProductImage, "image"): ("alt_text", "decorative"),
}


def original_file_name(row, field_name):
    """The name people know a row's file by: the client's, else the stored one without its random part."""
    column = ORIGINAL_NAME_FIELDS.get((type(row), field_name))
    stored = getattr(row, field_name).name or ""
    return ((getattr(row, column) if column else "") or filenames.unsuffixed_name(stored)
            or filenames.basename(stored))
