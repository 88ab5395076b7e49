"""Make the named thumbnail sizes that are missing, for every image or one model's field."""
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, models

from mediadmin import thumbnails
from mediadmin.progress import Progress

BATCH = 200


class Command(BaseCommand):
    help = ("Make the thumbnails (every size of MEDIADMIN_THUMBNAIL_SIZES) that are missing. "
            "Safe to interrupt and run again: it only makes what is still missing.")

    def add_arguments(self, parser):
        """--model app.Model, --field name, --workers N."""
        parser.add_argument("--model", help="Only this model, as app_label.ModelName.")
        parser.add_argument("--field", help="Only this image field (needs --model).")
        parser.add_argument("--workers", type=int, default=1,
                            help="Images made in parallel (threads; Pillow decodes outside the GIL).")
        parser.add_argument("--trust-store", action="store_true",
                            help="Do not check that recorded thumbnail files exist (saves one "
                                 "storage request per thumbnail, e.g. on S3).")

    def handle(self, *args, model=None, field=None, workers=1, trust_store=False, **options):
        """Find the images with missing sizes, make them with a progress bar, print a summary."""
        targets = self.targets(model, field)
        total = sum(m._default_manager.exclude(**{f: ""}).count() for m, f in targets)
        self.progress = Progress(self.stderr if options["verbosity"] else None, "Thumbnails", "images", total)
        made = failed = 0
        self.check_files = not trust_store
        try:
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                for done_made, done_failed in self.run(pool, targets):
                    made, failed = made + done_made, failed + done_failed
        except KeyboardInterrupt:
            self.progress.finish()
            self.stdout.write(f"Interrupted after {self.progress.done} of {total} images "
                              f"({made} thumbnails made). Run it again to finish.")
            sys.exit(130)
        self.progress.finish()
        self.stdout.write(self.style.SUCCESS(
            f"Checked {total} images: made {made} thumbnails, {failed} could not be made."))

    def targets(self, model_label, field_name):
        """(model, field name) pairs to warm: the given one, or every ImageField of the app."""
        if field_name and not model_label:
            raise CommandError("--field needs --model.")
        if model_label:
            try:
                chosen = [apps.get_model(model_label)]
            except (LookupError, ValueError) as exc:
                raise CommandError(f"Unknown model {model_label!r}.") from exc
        else:
            chosen = list(apps.get_app_config("mediadmin").get_models())
        pairs = [(m, f.name) for m in chosen for f in m._meta.concrete_fields
                 if isinstance(f, models.ImageField) and (not field_name or f.name == field_name)]
        if not pairs:
            raise CommandError(f"No image field {field_name or ''} on {model_label or 'mediadmin'}.")
        return pairs

    def run(self, pool, targets):
        """Yield (made, failed) per image, a batch of rows at a time."""
        for model, field_name in targets:
            queryset = model._default_manager.exclude(**{field_name: ""}).only("pk", field_name)
            for batch in batched(queryset.order_by("pk").iterator(chunk_size=BATCH), BATCH):
                files = [getattr(obj, field_name) for obj in batch]
                # One query tells which sizes exist for the whole batch.
                thumbnails.prefetch(files, thumbnails.size_names())
                futures = [pool.submit(warm_missing, f, self.check_files) for f in files]
                try:
                    for future in as_completed(futures):
                        self.progress.step()
                        yield future.result()
                except KeyboardInterrupt:
                    for future in futures:  # let running ones finish; drop the queued ones
                        future.cancel()
                    raise


def warm_missing(field_file, check_files=True):
    """Make the missing sizes of one image; return (made, failed)."""
    try:
        missing = thumbnails.missing_sizes(field_file, check_files=check_files)
        made = thumbnails.warm(field_file, missing) if missing else 0
        return made, len(missing) - made
    finally:
        close_old_connections()


def batched(iterable, size):
    """Lists of up to size items."""
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
