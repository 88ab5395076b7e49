"""Template filters of the storage audit page."""
import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def epoch(value):
    """An aware datetime from seconds since the epoch (file modification times)."""
    try:
        return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC).astimezone(
            timezone.get_current_timezone())
    except (TypeError, ValueError, OverflowError):
        return None


@register.filter
def field_title(label):
    """`mediadmin.ProductImage.image` → `Gallery images: image` (the label itself if unknown)."""
    from django.apps import apps

    try:
        app_model, field_name = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        field = model._meta.get_field(field_name)
    except (LookupError, ValueError, Exception):  # noqa: BLE001 - a label from an old report stays readable
        return label
    from ..audit.references import FieldRef

    return FieldRef(model, field).title

