"""Who schedules the thumbnails of a newly stored image: the service that saved it, else a receiver.

A service saving a row with images calls save_and_schedule(): it lists the image fields
holding a newly assigned file before the save (after it, the file is stored and looks like
any other), saves, and schedules each one with thumbnails.schedule(), a transaction.on_commit
callback, so nothing runs if the transaction rolls back. The save is claimed meanwhile.

Rows saved by paths that call no service (the admin's gallery inline formset, a plain
save() in code or tests) are handled by the receivers in mediadmin/receivers.py, which call
note_new_images() on pre_save and schedule_noted() on post_save. Both skip a claimed save,
so every new image is scheduled exactly once.
"""
from contextlib import contextmanager

from django.db import models

from .. import thumbnails

# Set on an instance between pre_save and post_save: image fields whose file this save stores.
NEW_IMAGES = "_mediadmin_new_images"
# Set on an instance while a service saves it: that service schedules its thumbnails itself.
CLAIMED = "_mediadmin_thumbnails_claimed"


def image_fields(model):
    """The ImageFields of a model."""
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ImageField)]


def new_image_fields(instance):
    """Names of the instance's image fields holding a file that its next save will store."""
    return [
        field.name for field in image_fields(type(instance))
        if getattr(instance, field.name) and not getattr(instance, field.name)._committed
    ]


def save_and_schedule(instance):
    """Save `instance`; once the transaction commits, the images this save stored get their sizes made."""
    with _claimed(instance):
        new_images = new_image_fields(instance)
        instance.save()
        schedule(instance, new_images)
    return instance


@contextmanager
def _claimed(instance):
    # The receivers run inside save(): the mark tells them this save's scheduling is taken.
    setattr(instance, CLAIMED, True)
    try:
        yield
    finally:
        instance.__dict__.pop(CLAIMED, None)


def schedule(instance, field_names):
    """Schedule (after commit) the making of the named sizes of each of these image fields."""
    for field_name in field_names:
        thumbnails.schedule(instance, field_name)


def note_new_images(instance):
    """pre_save glue: remember which image fields this save stores, unless a service claimed it."""
    claimed = getattr(instance, CLAIMED, False)
    setattr(instance, NEW_IMAGES, [] if claimed else new_image_fields(instance))


def schedule_noted(instance):
    """post_save glue: schedule the images note_new_images() remembered for this save."""
    schedule(instance, instance.__dict__.pop(NEW_IMAGES, []))
