"""Template filters of the storage audit page."""
import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def epoch(value):
    """An aware datetime from seconds since the epoch (file modification times)."""
    try:
        return datetime.datetime.fromtimestamp(float(value), tz=datetime.timezone.utc).astimezone(
            timezone.get_current_timezone())
    except (TypeError, ValueError, OverflowError):
        return None
