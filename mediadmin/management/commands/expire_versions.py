"""Delete file versions older than the retention (MEDIADMIN_VERSION_RETENTION); a dry run by default."""
import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import audit, selectors, services
from ...progress import Progress


class Command(BaseCommand):
    help = ("List the versions of replaced files older than the retention (MEDIADMIN_VERSION_RETENTION, "
            "default 30d, or --older-than). A dry run by default; --delete deletes them for good.")

    def add_arguments(self, parser):
        """--delete, --older-than, --json, --no-progress (like cleanup_orphans)."""
        parser.add_argument("--delete", action="store_true", help="Delete the listed versions for good.")
        parser.add_argument("--older-than", metavar="AGE",
                            help="Keep versions younger than this, e.g. 7d, 12h (default: the retention).")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--no-progress", action="store_true", help="No progress on stderr.")

    def handle(self, *args, **options):
        """List the expired versions, and delete them with --delete."""
        self.options = options
        older_than = self._age()
        versions = list(selectors.expired_versions(timezone.now() - timedelta(seconds=older_than)))
        entries = [self._entry(v) for v in versions]
        data = {"older_than": older_than, "versions": entries}
        self._say(ngettext("Version older than %(age)s: %(count)d, %(size)s",
                           "Versions older than %(age)s: %(count)d, %(size)s", len(versions))
                  % {"age": self._age_text(older_than), "count": len(versions),
                     "size": filesizeformat(sum(v.size for v in versions))})
        for version, entry in zip(versions, entries, strict=True):
            self._say(f"  {entry['replaced_at']:%Y-%m-%d %H:%M}  {filesizeformat(version.size):>10}  "
                      f"{entry['row']}.{version.field_name}  {version.original_name}  ({version.name})")
        if options["delete"]:
            data["deleted"] = self._delete(versions)
        elif versions:
            self._say(self.style.SUCCESS(ngettext(
                "\nDry run: nothing deleted. Run again with --delete to delete this version for good.",
                "\nDry run: nothing deleted. Run again with --delete to delete these %(count)d versions for good.",
                len(versions)) % {"count": len(versions)}))
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=1, default=str))

    def _delete(self, versions):
        bar = None if self.options["no_progress"] else Progress(self.stderr, _("Deleting versions"),
                                                                _("versions"), len(versions))
        deleted = services.versions_expire(versions=versions, progress=bar)
        if bar is not None:
            bar.finish()
        self._say(self.style.SUCCESS(ngettext("\nDeleted %(count)d version.", "\nDeleted %(count)d versions.",
                                              deleted) % {"count": deleted}))
        return deleted

    def _age(self):
        if self.options["older_than"] is None:
            return services.version_retention()
        try:
            return audit.parse_age(self.options["older_than"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    @staticmethod
    def _age_text(seconds):
        return f"{seconds / 86400:g} days" if seconds >= 86400 else f"{seconds:g} s"

    @staticmethod
    def _entry(version):
        return {"id": version.pk, "row": f"{version.content_type.app_label}.{version.content_type.model}"
                f"#{version.object_id}", "field": version.field_name, "name": version.name,
                "original_name": version.original_name, "size": version.size, "replaced_at": version.replaced_at}

    def _say(self, text=""):
        if not self.options["json"]:
            self.stdout.write(text)
