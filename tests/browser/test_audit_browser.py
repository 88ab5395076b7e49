"""The storage audit page in a real Chromium: select all, confirm, quarantine, restore; screenshots."""
import pytest
from django.core.files.storage import default_storage

from mediadmin import audit

from ..audit_helpers import make_old, scenario
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_audit_page_quarantines_and_restores(browser, live_server, admin_user, media_root, screenshot,
                                             scheme):
    s = scenario(default_storage)
    for name in s["orphans"]:
        make_old(default_storage, name)
    context = browser.new_context(viewport={"width": 1280, "height": 1300}, color_scheme=scheme)
    page = context.new_page()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/")
    page.click("a.mediadmin-audit-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("#orphans").is_visible()
    page.check('input[data-mediadmin-select-all="orphan"]')
    assert page.locator('input[data-mediadmin-group="orphan"]:checked').count() == 2
    suffix = "" if scheme == "light" else "-dark"
    screenshot(page, f"storage-audit{suffix}")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#mediadmin-quarantine input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert dialogs and "trash" in dialogs[0]
    assert not any((media_root / name).exists() for name in s["orphans"])
    [batch] = audit.batches(audit.trash_for(default_storage))
    page.click(f'form:has(input[value="{batch.id}"]) button:has-text("Restore")')
    page.wait_for_load_state("networkidle")
    assert all((media_root / name).exists() for name in s["orphans"])
    context.close()
