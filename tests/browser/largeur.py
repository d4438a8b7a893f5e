"""Whether a page scrolls sideways, measured once the page has loaded.

A click that navigates lets ``expect(...)`` see the new document's text
before its stylesheet has arrived; measured then, the page is laid out
without its styles (a loaded CI machine saw a 375 px page at 573 px).
The measure waits for the ``load`` event, and names what overflows."""

_DEBORDEMENTS = """() => {
    const largeur = document.documentElement.clientWidth;
    const trop = [];
    for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > largeur + 0.5) {
            trop.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                      + (el.className && typeof el.className === "string"
                         ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                      + " @" + Math.round(r.right));
        }
    }
    return trop.slice(0, 10);
}"""


def largeur(page):
    """The document's width, once the page and its stylesheets have loaded."""
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth")


def tient_dans_l_ecran(page):
    """Assert the page is no wider than its viewport; the message names the
    elements that stick out."""
    found = largeur(page)
    ecran = page.viewport_size["width"]
    assert found <= ecran, (page.url, found, page.evaluate(_DEBORDEMENTS))
