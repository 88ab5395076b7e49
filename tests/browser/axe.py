"""axe-core (the copy bundled by axe-playwright-python) run in a Playwright page."""
from pathlib import Path

import axe_playwright_python

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# What the developers' guide asks of every page: no serious or critical violation.
BLOCKING = {"serious", "critical"}


def violations(page):
    """axe's violations on the page as it stands, serious and critical ones only.

    axe is evaluated through the DevTools protocol, not a <script> tag, so the pages' strict
    Content-Security-Policy stays on while it runs.
    """
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(found):
    """One line per violation and up to three of its elements, for an assertion message."""
    lines = []
    for violation in found:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): "
                     f"{violation['help']} — {targets}")
    return "\n".join(lines)
