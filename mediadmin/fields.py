"""File fields that store content under server-made names, after checking it again.

Every path that saves a model (admin, inlines, bulk upload, staff form, commands)
goes through `pre_save`, so nothing reaches storage without being recognised,
renamed with the extension of its detected type and, for images, re-encoded
(EXIF orientation applied, metadata and trailing bytes dropped).
"""
import hashlib
import logging

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import filenames, filesafety, validators

logger = logging.getLogger(__name__)


class StorageWriteError(Exception):
    """The storage refused a file (disk full, read-only, S3 error); nothing was saved."""

    def __init__(self, name, cause):
        self.name, self.cause = name, cause
        super().__init__(_("%(name)s could not be stored (%(cause)s). Nothing was saved; try again, "
                           "and if it keeps failing tell the operator the storage is failing.")
                         % {"name": name, "cause": cause.__class__.__name__})


class _SafeFileMixin:
    """pre_save that stores under `<upload_to>/<slug>-<random>.<detected ext>`."""

    def prepare_content(self, field_file):
        """Return (content to store, extension of its detected type); raise ValidationError."""
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        """Store a new file under a server-made name; track it until commit."""
        field_file = getattr(model_instance, self.attname)
        if field_file and not field_file._committed:
            original = filenames.display_name(field_file.name)
            content, extension = self.prepare_content(field_file)
            try:
                field_file.save(filenames.storage_name(original, extension), content, save=False)
            except OSError as exc:
                raise StorageWriteError(original, exc) from exc
            except Exception as exc:  # S3 client errors and the like
                if isinstance(exc, ValidationError):
                    raise
                raise StorageWriteError(original, exc) from exc
            filesafety.track(field_file.storage, field_file.name, model_instance._state.db or "default")
            if getattr(self, "original_name_field", None):  # the client's name, for people to read
                setattr(model_instance, self.original_name_field, original)
        return field_file

    def formfield(self, **kwargs):
        """No length limit on the client's name: the stored name is made by the server."""
        field = super().formfield(**kwargs)
        field.max_length = None
        return field


class SafeFileField(_SafeFileMixin, models.FileField):
    """A document field: type recognised by its bytes, stored with the matching extension."""

    default_validators = [validators.validate_document_file]

    def prepare_content(self, field_file):
        """Documents are stored as uploaded; only the name changes."""
        content_type = validators.sniff_document(field_file)
        if content_type is None:
            raise ValidationError(_("%(name)s is not an allowed document."),
                                  params={"name": filenames.display_name(field_file.name)})
        content = field_file.file
        # Storages such as S3 take the object's Content-Type from the file object: the
        # detected type, never the browser's claim. (Kept as the same object so a large
        # upload's temporary file is still moved into local storage, not copied.)
        content.content_type = content_type
        return content, validators.DOCUMENT_TYPES[content_type]


class SafeImageFormField(forms.FileField):
    """Form field checking images with mediadmin's rules (Django's opens every Pillow format)."""

    def to_python(self, data):
        """Accept only an allowed, bounded, fully decodable image."""
        uploaded = super().to_python(data)
        if uploaded is not None:
            validators.validate_image_file(uploaded)
        return uploaded


class SafeImageField(_SafeFileMixin, models.ImageField):
    """An image field: allowed formats only, re-encoded without metadata before storage."""

    default_validators = [validators.validate_image_file]

    def __init__(self, *args, hash_field=None, focal_fields=None, original_name_field=None, **kwargs):
        """`hash_field`, like `width_field`: a model field to fill with the stored bytes' SHA-256.

        `original_name_field`: a model field (declared after this one) to fill with the client's
        file name of a newly stored image, so messages and titles never show the server-made name.

        `focal_fields`: the (x, y) model fields holding the image's focal point in percent of its
        width and height, which cropped thumbnails keep in view (thumbnails/sizes.py).
        """
        self.hash_field = hash_field
        self.focal_fields = focal_fields
        self.original_name_field = original_name_field
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        """Use SafeImageFormField rather than Django's forms.ImageField."""
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})

    def prepare_content(self, field_file):
        """The image's cleaned re-encoding, made once by validation (validators.clean_image).

        A file that reaches pre_save unvalidated is checked here; any Pillow error left is
        still a refusal naming the file (pre_save errors must never become a 500).
        """
        try:
            clean = validators.clean_image(field_file)
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001 - a decoder failure not foreseen by validation
            logger.warning("Image %r failed while being re-encoded: %r", field_file.name, exc)
            raise ValidationError(_("%(name)s could not be re-encoded: it is corrupt."),
                                  code="corrupt_image",
                                  params={"name": filenames.display_name(field_file.name)}) from exc
        if self.hash_field:
            setattr(field_file.instance, self.hash_field, hashlib.sha256(clean.data).hexdigest())
        # Named, so Django's width_field/height_field fill reads the stored bytes' size.
        content = ContentFile(clean.data, name=f"image.{clean.info.extension}")
        content.content_type = clean.info.content_type
        return content, clean.info.extension


class PercentField(models.PositiveSmallIntegerField):
    """A whole percentage: 0 to 100, said to the browser too (the form input's min and max)."""

    def formfield(self, **kwargs):
        """The form field with max_value 100: the number input refuses 150 before the form is sent."""
        return super().formfield(**{"max_value": 100, **kwargs})


def focal_point_fields():
    """The (x, y) fields of an image's focal point, in percent; both empty: the centre (SafeImageField focal_fields)."""
    across = PercentField(
        _("focal point, across (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("Click the preview to set it. Cropped thumbnails keep this point in view; empty: the centre."),
    )
    down = PercentField(
        _("focal point, down (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
    )
    return across, down


def decorative_field(verbose_name):
    """The mark of an image that carries no alt text on purpose (mediadmin/alt_text.py)."""
    return models.BooleanField(
        verbose_name, default=False,
        help_text=_("Tick when the image adds nothing the page does not already say: it gets no alt text on purpose."),
    )
