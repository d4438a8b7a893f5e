"""What staff put in the SDI never runs in the administrator's browser
(issue 15, items 1 and 2), in Chromium: a stored HTML page opened from the
SDI is a download, not a page; names and titles with markup stored before
the slug rule show as text in the folder grid SlickGrid draws."""

import io

import pytest
from playwright.sync_api import expect
from substanced.folder import Folder

from portail_famille.correctifs.amont import original
from portail_famille.correctifs.substanced import VALIDATE_NAME

from ..conftest import ADMIN, with_root

pytestmark = pytest.mark.browser

# Each would ask the server for /pwned-N if the browser obeyed it.
PAGE = b"<html><body><script>fetch('/pwned-1')</script>page</body></html>"
NOM = "<img src=x onerror=\"fetch('pwned-2')\">"


def _stocker(root, registry):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Folder, "validate_name", original(VALIDATE_NAME))
        root[NOM] = registry.content.create("Folder")
        root["page"] = registry.content.create("File", io.BytesIO(PAGE), "text/html")


def test_nothing_stored_runs_in_the_administrator_s_browser(portail, page, log_in):
    with_root(portail.wsgi, _stocker)
    demandes = []
    page.on("request", lambda request: demandes.append(request.url))
    log_in(page, *ADMIN)

    page.goto(portail.url("/manage/@@contents"))
    cellule = page.locator(".slick-cell a", has_text="<img src=x")
    expect(cellule).to_have_text(NOM)

    with page.expect_download() as attendu:
        page.evaluate("url => { window.location.href = url; }", portail.url("/manage/page"))
    assert attendu.value.suggested_filename == "page.bin"

    page.goto(portail.url("/manage/@@contents"))
    expect(page.locator(".slick-cell a", has_text="<img src=x")).to_have_text(NOM)
    assert [url for url in demandes if "/pwned" in url] == []
