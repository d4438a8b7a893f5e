"""axe-core (bundled by axe-playwright-python) run in the page: the WCAG 2.1
A and AA rules, every violation printed (rule, target, help) when any."""

from axe_playwright_python.base import AXE_SCRIPT

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}


def violations(page, dans=None):
    """axe's violations of the WCAG 2.1 A/AA rules in ``page`` as it is now
    (only in the elements the CSS selector ``dans`` finds, when given)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(
        "([dans, options]) => axe.run(dans === null ? document : dans, options)", [dans, OPTIONS]
    )["violations"]


def rapport(found):
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            lines.append(
                "%s (%s): %s -- %s\n    %s"
                % (
                    violation["id"],
                    violation["impact"],
                    " ".join(map(str, node["target"])),
                    violation["help"],
                    node.get("failureSummary", "").replace("\n", " "),
                )
            )
    return "\n".join(lines)


def aucune_violation(page, where="", dans=None):
    """Assert axe finds no WCAG 2.1 A/AA violation in ``page`` (in ``dans``)."""
    found = violations(page, dans)
    assert not found, "axe: %d violation(s) on %s\n%s" % (
        len(found),
        where or page.url,
        rapport(found),
    )
