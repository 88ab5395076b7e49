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

from django.db import models, transaction

from .. import thumbnails

# Set on an instance between pre_save and post_save: image fields whose file this save stores.
NEW_IMAGES = "_mediadmin_new_images"
# Set on an instance while a service saves it: that service schedules its thumbnails itself.
CLAIMED = "_mediadmin_thumbnails_claimed"
# Set between pre_save and post_save: image fields keeping their file whose focal point changes.
NEW_FOCUS = "_mediadmin_new_focus"


def image_fields(model):
    """The ImageFields of a model."""
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ImageField)]


def new_image_fields(instance):
    """Names of the instance's image fields holding a file that its next save will store."""
    return [
        field.name for field in image_fields(type(instance))
        if getattr(instance, field.name) and not getattr(instance, field.name)._committed
    ]


def save_and_schedule(instance, *, keep_focus=False):
    """Save `instance`; once the transaction commits, the images this save stored get their sizes made.

    `keep_focus`: the focal point on the instance was given for its new file on purpose (see
    forget_stale_focus), even if it equals the stored one ("Use as main image").
    """
    with _claimed(instance):
        stored = stored_focus(instance)
        new_images, new_focus = new_image_fields(instance), focal_changed_fields(instance, stored)
        if not keep_focus:
            forget_stale_focus(instance, new_images, stored)
        instance.save()
        schedule(instance, new_images)
        schedule_recrop(instance, new_focus)
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


def _focal_image_fields(model):
    return [f for f in image_fields(model) if getattr(f, "focal_fields", None)]


def stored_focus(instance):
    """The stored file name and focal point of each image field that has one: one query, {} for a new row."""
    fields = _focal_image_fields(type(instance))
    if not fields or instance.pk is None:
        return {}
    columns = [name for f in fields for name in (f.name, *f.focal_fields)]
    return type(instance)._default_manager.filter(pk=instance.pk).values(*columns).first() or {}


def focal_changed_fields(instance, stored):
    """Image fields keeping their stored file whose focal point the next save changes (`stored`: stored_focus)."""
    return [f.name for f in _focal_image_fields(type(instance))
            if stored and getattr(instance, f.name) and stored.get(f.name) == getattr(instance, f.name).name
            and any(stored.get(name) != getattr(instance, name) for name in f.focal_fields)]


def forget_stale_focus(instance, field_names, stored):
    """Clear the focal point of each new file here unless this save sets one (`stored`: stored_focus).

    The stored point was picked on the picture being replaced: kept, it would crop the new one
    around a spot that means nothing there (a replacement through any form, code or command). A
    point that differs from the stored one was set for the new file (a click on its preview) and
    stays; so does one a service gives on purpose (save_and_schedule's keep_focus). A restored
    version brings its own recorded point (services/versions.py) and never comes through here.
    """
    for field in _focal_image_fields(type(instance)):
        if field.name in field_names and stored and all(
                stored.get(name) == getattr(instance, name) for name in field.focal_fields):
            for name in field.focal_fields:
                setattr(instance, name, None)


def schedule_recrop(instance, field_names):
    """After commit, drop these images' thumbnails (cropped around the old focal point) and queue them again."""
    for field_name in field_names:
        transaction.on_commit(lambda name=field_name: thumbnails.regenerate_later(instance, name), robust=True)


def note_new_images(instance):
    """pre_save glue: remember which image fields this save stores or re-focuses, unless a service claimed it."""
    if getattr(instance, CLAIMED, False):
        setattr(instance, NEW_IMAGES, [])
        setattr(instance, NEW_FOCUS, [])
        return
    stored = stored_focus(instance)
    setattr(instance, NEW_IMAGES, new_image_fields(instance))
    setattr(instance, NEW_FOCUS, focal_changed_fields(instance, stored))
    forget_stale_focus(instance, instance.__dict__[NEW_IMAGES], stored)


def schedule_noted(instance):
    """post_save glue: schedule the images note_new_images() remembered for this save."""
    schedule(instance, instance.__dict__.pop(NEW_IMAGES, []))
    schedule_recrop(instance, instance.__dict__.pop(NEW_FOCUS, []))
