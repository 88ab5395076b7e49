"""Reads for bulk upload: which product a file name belongs to, by the SKU it starts with."""
import re
from collections.abc import Iterable

from django.db.models.functions import Lower

from . import filenames
from .models import Product

# A SKU ends where the file name continues with one of these (or where the name ends).
_SEPARATORS = re.compile(r"[_\s.\-]")
_QUERY_CHUNK = 500
SKU_MAX_LENGTH = Product._meta.get_field("sku").max_length  # stays under SQLite's host-parameter limit


def sku_candidates(filename: str) -> list[str]:
    """Lower-cased prefixes of a file name that could be a SKU, longest first.

    Only prefixes up to the SKU field's length can match, so at most that many are built
    whatever the name's length: the work is linear in the name and bounded per name.
    """
    name = filenames.basename(filename).strip().lower()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    cuts = {m.start() for m in _SEPARATORS.finditer(stem, 0, SKU_MAX_LENGTH + 1)}
    if len(stem) <= SKU_MAX_LENGTH:
        cuts.add(len(stem))
    return sorted({stem[:cut] for cut in cuts if cut > 0}, key=len, reverse=True)


def products_by_sku(skus: Iterable[str]) -> dict[str, Product]:
    """Products whose SKU (case-insensitive) is among skus, keyed by the lower-cased SKU."""
    wanted = sorted({s.lower() for s in skus if s})
    found = {}
    for start in range(0, len(wanted), _QUERY_CHUNK):
        chunk = wanted[start:start + _QUERY_CHUNK]
        queryset = Product.objects.exclude(sku="").annotate(sku_lower=Lower("sku"))
        for product in queryset.filter(sku_lower__in=chunk):
            found[product.sku_lower] = product
    return found


def match_filenames(filenames: Iterable[str]) -> dict[str, Product | None]:
    """Map each file name to the product whose SKU starts it (the longest SKU wins), or None."""
    names = list(filenames)
    candidates = {name: sku_candidates(name) for name in names}
    products = products_by_sku(c for cands in candidates.values() for c in cands)
    return {name: next((products[c] for c in cands if c in products), None)
            for name, cands in candidates.items()}
