"""Find files no row references and move them to a trash batch; restore or purge batches."""
import json
import time

from django.core.files.storage import InvalidStorageError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import audit
from ...progress import Progress
from ...services import trash as trash_service


def _files(count):
    """ "1 file", "2 files", with thousands separated."""
    return ngettext("%(count)s file", "%(count)s files", count) % {"count": f"{count:,}"}


def _when(epoch):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


class Command(BaseCommand):
    help = ("Audit the media storage. A dry run by default: lists the orphans (files no row "
            "references), stale thumbnails and missing files. --delete moves orphans older than "
            "--older-than into a trash batch, --restore BATCH puts a batch back, --purge-trash "
            "deletes old batches for good.")

    def add_arguments(self, parser):
        """Modes (dry run, --delete, --restore, --purge-trash, --list-trash) and their options."""
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--delete", action="store_true",
                          help="Move the orphans past the grace period into a new trash batch.")
        mode.add_argument("--restore", metavar="BATCH", help="Put every file of a trash batch back.")
        mode.add_argument("--purge-trash", action="store_true",
                          help="Delete for good the trash batches older than --older-than (default 30d).")
        mode.add_argument("--list-trash", action="store_true", help="List the trash batches.")
        parser.add_argument("--older-than", metavar="AGE",
                            help="Grace period such as 90m, 24h, 30d (default 24h; 30d with --purge-trash).")
        parser.add_argument("--batch", metavar="BATCH", help="With --purge-trash: only this batch.")
        parser.add_argument("--storage", default="default", help="STORAGES alias to audit (default: default).")
        parser.add_argument("--keep-thumbnails", action="store_true",
                            help="Leave stale thumbnails in sorl's cache folder.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--no-progress", action="store_true", help="No progress on stderr.")

    def handle(self, *args, **options):
        """Run the chosen mode; errors (a refused or unreachable storage too) say what to do next."""
        self.options = options
        storage = self._storage(options["storage"])
        try:
            return self._run(storage)
        except audit.StorageUnavailable as exc:  # already logged; no traceback for the operator
            self._end_progress()
            raise CommandError(str(exc)) from None

    def _run(self, storage):
        options = self.options
        if options["restore"]:
            return self._emit(self._restore(storage, options["restore"]))
        if options["purge_trash"]:
            return self._emit(self._purge(storage))
        if options["list_trash"]:
            return self._emit(self._list_trash(storage))
        return self._emit(self._scan(storage))

    # --- modes -------------------------------------------------------------------
    def _scan(self, storage):
        older_than = self._age(audit.orphan_grace())
        report = audit.audit(self.options["storage"], progress=self._progress("Scanning storage"))
        self._end_progress()
        thumbs = not self.options["keep_thumbnails"]
        candidates = report.candidates(older_than, thumbnails=thumbs)
        data = {"storage": self.options["storage"], "older_than": older_than, "report": report.as_dict(),
                "would_move": [{"name": f.name, "size": f.size, "kind": k} for f, k, _ in candidates]}
        self._print_report(report, candidates, older_than)
        if self.options["delete"]:
            result = trash_service.quarantine_orphans(
                report, alias=self.options["storage"], older_than=older_than, thumbnails=thumbs,
                progress=self._progress("Moving", len(candidates)))
            self._end_progress()
            data["moved"] = result.as_dict()
            self._print_moved(result)
        else:
            self._say(self._dry_run_summary(candidates))
        return data

    def _restore(self, storage, batch):
        alias = self.options["storage"]
        try:
            result = trash_service.restore(storage, batch, alias=alias)
        except audit.BatchRefused as exc:
            raise CommandError(f"{exc} List this storage's batches with --storage {alias} --list-trash.") from None
        for entry in result.done:
            self._say(f"  restored  {filesizeformat(entry.get('size') or 0):>10}  {entry['name']}")
        for name, reason in result.skipped:
            self._say(self.style.WARNING(f"  left in trash ({reason})  {name}"))
        done = ngettext("Restored %(count)d file from batch %(batch)s.", "Restored %(count)d files from batch "
                        "%(batch)s.", len(result.done)) % {"count": len(result.done), "batch": batch}
        left = ngettext(" %(count)d stayed in the trash: a file of the same name exists now, or the copy failed; "
                        "move it by hand from the trash folder.", " %(count)d stayed in the trash: files of the "
                        "same names exist now, or the copies failed; move them by hand from the trash folder.",
                        len(result.skipped)) % {"count": len(result.skipped)}
        self._say(self.style.SUCCESS(done) + (left if result.skipped else ""))
        return result.as_dict()

    def _purge(self, storage):
        alias = self.options["storage"]
        older_than = self._age(audit.trash_retention())
        try:
            purged = trash_service.purge(audit.trash_for(storage, alias), older_than=older_than,
                                         batch=self.options["batch"], alias=alias)
        except audit.BatchRefused as exc:  # the same refusal as --restore, from the service
            raise CommandError(f"{exc} List this storage's batches with --storage {alias} --list-trash.") from None
        for b in purged:
            self._say(f"  purged  {b.id}  {_files(b.count)}, {filesizeformat(b.bytes)}")
        self._say(self.style.SUCCESS(ngettext("Purged %(count)d trash batch for good.",
                                              "Purged %(count)d trash batches for good.", len(purged))
                                     % {"count": len(purged)}))
        return {"purged": [b.as_dict() for b in purged]}

    def _list_trash(self, storage):
        found = audit.batches(audit.trash_for(storage, self.options["storage"]))
        for b in found:
            self._say(f"  {b.id}  {_when(b.created)}  {_files(b.count)}, {filesizeformat(b.bytes)}")
        self._say(ngettext("%(count)d trash batch.", "%(count)d trash batches.", len(found)) % {"count": len(found)}
                  + (_(" Restore one with --restore BATCH.") if found else ""))
        return {"batches": [b.as_dict() for b in found]}

    # --- helpers -----------------------------------------------------------------
    def _storage(self, alias):
        try:
            return audit.storage_for(alias)
        except InvalidStorageError:
            raise CommandError(f"No storage {alias!r} in STORAGES. Use one of the aliases of the "
                               "STORAGES setting, e.g. --storage default.") from None
        except audit.UnsafeRoot as exc:
            raise CommandError(f"Refusing to run: {exc}") from None

    def _age(self, default):
        if self.options["older_than"] is None:
            return default
        try:
            return audit.parse_age(self.options["older_than"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _progress(self, what, total=None):
        """A callback taking the count so far, drawing a progress line on stderr (None: quiet)."""
        if self.options["no_progress"]:
            self._bar = None
            return None
        self._bar = Progress(self.stderr, what, _("files"), total)
        return self._bar.update

    def _end_progress(self):
        if getattr(self, "_bar", None) is not None:
            self._bar.finish()
            self._bar = None

    def _say(self, text=""):
        if not self.options["json"]:
            self.stdout.write(text)

    def _emit(self, data):
        if self.options["json"]:
            self.stdout.write(json.dumps(data, indent=1, default=str))

    def _print_report(self, report, candidates, older_than):
        moving = {f.name for f, _, _ in candidates}
        self._say(f"Scanned {_files(report.files.count)} ({filesizeformat(report.files.bytes)}) in "
                  f"{report.finished - report.started:.1f} s.")
        self._print_files(_("Orphans (no row references them)"), report.orphans, moving)
        self._print_files(_("Stale thumbnails (sorl cache)"), [t.file for t in report.thumbnails], moving,
                          [t.reason for t in report.thumbnails])
        self._print_missing(report)
        self._say(f"\nShared files (referenced by several rows, kept when one row goes): {report.shared_count}")
        for name, refs in report.shared.items():
            self._say(f"  {name}  <- " + ", ".join(f"{r.label} pk={r.pk}" for r in refs))
        self._print_totals(_("Totals per folder"), report.folders)
        self._print_totals(_("Totals per model field (files that exist)"), report.fields)

    def _print_files(self, title, files, moving, reasons=None):
        self._say(f"\n{title}: {len(files)}, {filesizeformat(sum(f.size for f in files))}")
        for i, f in enumerate(files):
            state = "move" if f.name in moving else "keep (too recent)"
            why = f"  [{reasons[i]}]" if reasons else ""
            self._say(f"  {state:<18}{filesizeformat(f.size):>10}  {_when(f.mtime)}  {f.name}{why}")

    def _print_missing(self, report):
        self._say(f"\nMissing files (rows whose file is not in storage): {len(report.missing)}")
        for ref, name in report.missing:
            self._say(f"  {ref.label} pk={ref.pk}  {name}")

    def _print_totals(self, title, totals):
        self._say(f"\n{title}:")
        for key, t in sorted(totals.items()):
            self._say(f"  {key or '(root)':<40}{_files(t.count):>15} {filesizeformat(t.bytes):>10}")

    def _dry_run_summary(self, candidates):
        if not candidates:
            return self.style.SUCCESS(_("\nDry run: nothing would move to the trash."))
        size = filesizeformat(sum(f.size for f, _, _ in candidates))
        return self.style.SUCCESS(f"\nDry run: {_files(len(candidates))} ({size}) would move to the trash. "
                                  "Run again with --delete to move them (they can be restored).")

    def _print_moved(self, result):
        if result.batch is None:
            self._say(self.style.SUCCESS(_("\nNothing to move: no trash batch was made.")))
            return
        size = filesizeformat(sum(e["size"] for e in result.done))
        for name, reason in result.skipped:
            self._say(self.style.WARNING(f"  not moved ({reason})  {name}"))
        if not result.done:
            self._say(self.style.WARNING(_("\nNo file could be moved (see above); the trash is unchanged.")))
            return
        self._say(self.style.SUCCESS(
            f"\nMoved {_files(len(result.done))} ({size}) into trash batch {result.batch}. "
            f"Undo with: manage.py cleanup_orphans --restore {result.batch}"))

