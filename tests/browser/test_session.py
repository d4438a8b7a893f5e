"""The end of the session in Chromium: with a 12-second idle limit, the page
warns (role="alert") and "Rester connecté", pressed from the keyboard,
extends the session past the limit it would have had, but not past the
absolute limit (20 s here); left alone, the page says the session has
ended.  The page's timers run on Playwright's clock
(fast-forwarded); the server's limits on the real one."""

import time

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

from .conftest import servir

pytestmark = pytest.mark.browser

DUPONT_URL = "/familles/%s/" % DUPONT["numero"]
IDLE = 12
WARNING = 9
ABSOLUTE = 20


@pytest.fixture(scope="module")
def portail(request, tmp_path_factory):
    """The application with short idle and absolute limits and an early
    warning; every request reissues the cookies."""
    yield from servir(
        request,
        tmp_path_factory.mktemp("portail-session"),
        **{
            "portail.session_idle": str(IDLE),
            "portail.session_warning": str(WARNING),
            "portail.session_absolute": str(ABSOLUTE),
            "portail.session_reissue": "0",
        },
    )


def auth_cookie(context):
    return next(c for c in context.cookies() if c["name"] == "pf_auth")


def test_warning_then_rester_connecte_extends_the_session_up_to_the_absolute_limit(
    portail, new_page, log_in
):
    page = new_page()
    page.context.clock.install()
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    loaded = time.monotonic()
    old_cookie = auth_cookie(page.context)
    # The alert zone (its messages are laid out fixed at the top).
    warning = page.get_by_role("alert").get_by_text("Sans activité de votre part")
    button = page.get_by_role("button", name="Rester connecté")
    expect(button).to_be_hidden()

    # IDLE - WARNING seconds after the page: the warning and its button.
    page.clock.run_for((IDLE - WARNING) * 1000 + 500)
    expect(warning).to_be_visible()
    expect(warning).to_have_text(
        "Sans activité de votre part, votre session va bientôt se terminer."
    )
    # A few seconds later (the ticket's time is in whole seconds), pressed
    # from the keyboard.
    time.sleep(max(0.0, loaded + 3 - time.monotonic()))
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_be_hidden()
    assert auth_cookie(page.context)["value"] != old_cookie["value"]

    # Past the limit the page's session had, the extended one is still open...
    time.sleep(max(0.0, loaded + IDLE + 1 - time.monotonic()))
    page.goto(portail.url(DUPONT_URL))
    expect(page).to_have_url(portail.url(DUPONT_URL))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue sur le Portail Famille")
    # ...while the cookie from before the extension has run out.
    other = new_page()
    other.context.add_cookies([old_cookie])
    other.goto(portail.url(DUPONT_URL))
    assert "/connexion" in other.url

    # This page comes less than WARNING seconds before the absolute limit:
    # the warning at once; the button cannot extend past that limit.
    expect(warning).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    maximale = page.get_by_role("alert").get_by_text("ne peut plus être prolongée")
    expect(maximale).to_be_visible()
    expect(button).to_be_hidden()

    # Left alone, the page says the session has ended, with a way back in.
    page.clock.run_for((IDLE + 1) * 1000)
    ended = page.get_by_role("alert").get_by_text("Votre session est terminée.")
    expect(ended).to_be_visible()
    expect(warning).to_be_hidden()
    expect(maximale).to_be_hidden()
    link = page.get_by_role("alert").get_by_role("link", name="Se reconnecter")
    expect(link).to_have_attribute("href", "/connexion")
