"""The strict Content-Security-Policy breaks nothing: Chromium reports no violation on any page."""
import pytest

from .. import factories

pytestmark = pytest.mark.django_db(transaction=True)

# Registered before any page script runs: every violation of the page is recorded.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at `
                              + `${event.sourceFile}:${event.lineNumber}`);
});
"""


def _visit(page, url, console):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy, (url, policy)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations"), [m for m in console if "Content Security Policy" in m]


def test_no_page_violates_the_policy(staff_page, live_server):
    product = factories.product("Policy Lamp", sku="PL-1", document=factories.pdf_upload("care.pdf"))
    factories.gallery_image(product)
    factories.document(product, "manual.pdf")
    page = staff_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.context.add_init_script(RECORD_VIOLATIONS)
    base = live_server.url
    urls = [f"{base}/admin/", f"{base}/admin/mediadmin/product/",
            f"{base}/admin/mediadmin/product/{product.pk}/change/",
            f"{base}/admin/mediadmin/product/bulk-upload/", f"{base}/admin/mediadmin/product/audit/",
            f"{base}/", f"{base}/products/{product.slug}/"]
    found = {}
    for url in urls:
        violations, messages = _visit(page, url, console)
        if violations or messages:
            found[url] = violations + messages
        if url.endswith("/change/"):
            # The preview of a chosen image is a blob: URL (img-src allows it).
            page.set_input_files("#id_image", files=[{
                "name": "new.png", "mimeType": "image/png", "buffer": factories.image_bytes("PNG", (200, 200))}])
            preview = page.locator("div.form-row.field-image .mediadmin-new-preview img")
            preview.wait_for(state="visible")
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
            late = page.evaluate("window.__cspViolations")
            if late:
                found[url + " (preview)"] = late
    assert found == {}
