"""axe-core in the headless browser: the WCAG 2.1 AA violations of the page a Browser (tests/cdp.py) shows.

axe-core comes from npm (frontend/package.json, copied here by frontend/build.mjs as tests/vendor/axe.min.js,
MPL-2.0, see tests/vendor/axe-core.LICENSE) and is injected over the DevTools protocol, which the page's
Content-Security-Policy does not govern: nothing is loaded from a CDN.
"""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(browser) -> list[str]:
    """'rule: target' for every node of the current page that breaks a WCAG 2.1 A/AA rule."""
    browser.call("Runtime.evaluate", expression=AXE.read_text(encoding="utf-8"))
    result = browser.call("Runtime.evaluate", awaitPromise=True, returnByValue=True, expression=(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG21_AA}}}, resultTypes: ['violations']}})"
        ".then(r => r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' '))))"))
    if "exceptionDetails" in result:
        raise RuntimeError(result["exceptionDetails"].get("text"))
    return result["result"]["value"]
