"""Loud failures when a sorl-thumbnail upgrade changes the internals mediadmin relies on.

sorl_adapter.py is the only module calling sorl's private functions; the engine and the
key-value store (sorl plug-ins named in settings) subclass sorl and override or call some of
its private methods. Each is checked here by name and parameters, so an upgrade fails with
"sorl-thumbnail changed X: update <module>" instead of thumbnails silently misnamed or a
faster path silently skipped.
"""
import importlib
import inspect

import pytest
from sorl.thumbnail.images import ImageFile

from mediadmin.thumbnails import sorl_adapter
from tests import factories

ADAPTER = "mediadmin/thumbnails/sorl_adapter.py"
ENGINE = "mediadmin/thumbnail_engine.py"
KVSTORE = "mediadmin/thumbnail_kvstore.py"
PIL_ENGINE = "sorl.thumbnail.engines.pil_engine.Engine"
CACHED_DB = "sorl.thumbnail.kvstores.cached_db_kvstore"

# (owner, attribute, parameter names or None for a value, the module to update).
INTERNALS = [(owner, attr, params, ADAPTER) for owner, attr, params in sorl_adapter.PRIVATE_API] + [
    (PIL_ENGINE, "_calculate_scaling_factor", ["self", "x_image", "y_image", "geometry", "options"], ENGINE),
    (PIL_ENGINE, "_get_exif_orientation", ["self", "image"], ENGINE),
    (PIL_ENGINE, "_orientation", ["self", "image"], ENGINE),
    (PIL_ENGINE, "_scale", ["self", "image", "width", "height"], ENGINE),
    (PIL_ENGINE, "_get_raw_data", ["self", "image", "format_", "quality", "image_info", "progressive"], ENGINE),
    (PIL_ENGINE, "flip_dimensions", ["self", "image", "geometry", "options"], ENGINE),
    (PIL_ENGINE, "get_image_ratio", ["self", "image", "options"], ENGINE),
    (PIL_ENGINE, "create", ["self", "image", "geometry", "options"], ENGINE),
    (PIL_ENGINE, "scale", ["self", "image", "geometry", "options"], ENGINE),
    ("sorl.thumbnail.engines.pil_engine", "ANTIALIAS", None, ENGINE),
    ("sorl.thumbnail.helpers", "toint", ["number"], ENGINE),
    ("sorl.thumbnail.parsers", "parse_geometry", ["geometry", "ratio"], ENGINE),
    (f"{CACHED_DB}.KVStore", "cache", None, KVSTORE),
    (CACHED_DB, "EMPTY_VALUE", None, KVSTORE),
]


def resolve(dotted):
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            found = getattr(found, attr)
        return found
    raise ImportError(dotted)


@pytest.mark.parametrize("owner, attr, params, module", INTERNALS, ids=[f"{o}.{a}" for o, a, _, _ in INTERNALS])
def test_sorl_internal_is_still_there(owner, attr, params, module):
    changed = f"sorl-thumbnail changed {owner}.{attr}: update {module}"
    try:
        found = getattr(resolve(owner), attr)
    except (ImportError, AttributeError):
        pytest.fail(f"{changed} (it is gone)")
    if params is not None:
        actual = list(inspect.signature(found).parameters)
        assert actual == params, f"{changed} (parameters now {actual}, were {params})"


def test_backend_still_fills_the_options_the_adapter_fills():
    from sorl.thumbnail import default

    assert isinstance(default.backend.default_options, dict), \
        f"sorl-thumbnail changed ThumbnailBackend.default_options: update {ADAPTER}"
    assert all(len(pair) == 2 for pair in default.backend.extra_options), \
        f"sorl-thumbnail changed ThumbnailBackend.extra_options (no longer (option, setting) pairs): update {ADAPTER}"


@pytest.mark.django_db
def test_raw_entries_and_drop_entries_see_what_sorl_recorded():
    from sorl.thumbnail.conf import settings as sorl_settings

    image = factories.product("Adapter").image
    thumb = sorl_adapter.make(image, "40x40", {})
    keys = dict(sorl_adapter.raw_entries(f"{sorl_settings.THUMBNAIL_KEY_PREFIX}||"))
    assert any(thumb.key in key for key in keys), f"sorl-thumbnail changed its raw keys: update {ADAPTER}"
    sorl_adapter.drop_entries(thumb.name, thumb.storage)
    assert sorl_adapter.recorded(ImageFile(thumb.name, thumb.storage)) is None


# sorl plug-ins named in settings: they subclass sorl's classes, so they may use their internals.
PLUG_INS = {"thumbnail_engine.py", "thumbnail_kvstore.py"}
PRIVATE_MODULES = ("sorl.thumbnail.base", "sorl.thumbnail.kvstores", "sorl.thumbnail.conf.defaults")


def _sorl_internals_used(path):
    # Imports of sorl's internal modules, and `<...kvstore|backend>._private` attribute reads.
    import ast

    used = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PRIVATE_MODULES):
            used.append(f"import from {node.module}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = ast.unparse(node.value)
            if owner.endswith(("kvstore", "backend")):
                used.append(f"{owner}.{node.attr}")
    return used


def test_only_the_adapter_touches_sorl_internals():
    from pathlib import Path

    package = Path(sorl_adapter.__file__).resolve().parent.parent
    offenders = {}
    for path in package.rglob("*.py"):
        if path.name in PLUG_INS or path == Path(sorl_adapter.__file__).resolve():
            continue
        if used := _sorl_internals_used(path):
            offenders[str(path.relative_to(package.parent))] = used
    assert offenders == {}, f"sorl internals outside {ADAPTER}: {offenders}"
    assert _sorl_internals_used(Path(sorl_adapter.__file__))  # the check does see them where they are


@pytest.mark.django_db
def test_prefetched_entries_live_in_one_attribute_and_go_with_the_thumbnails():
    from mediadmin import thumbnails
    from mediadmin.thumbnails import prefetching

    image = factories.product("Prefetched").image
    thumbnails.warm(image, ["card"])
    found = thumbnails.prefetch([image], ["card", "detail"])
    assert list(found) == [(image.name, "card")]
    assert getattr(image, prefetching.ATTRIBUTE) == {"card": found[(image.name, "card")], "detail": None}
    assert prefetching.prefetched(image, "detail") is None
    thumbnails.delete_thumbnails(image)
    assert prefetching.prefetched(image, "card") is prefetching.NOT_PREFETCHED
    assert thumbnails.known(image, "card") is None
