"""axe-core (vendored from its npm package, MPL-2.0, see vendor/axe-LICENSE) in the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium import webdriver

AXE = (Path(__file__).resolve().parent / "vendor" / "axe-4.10.3.min.js").read_text(encoding="utf-8")
SERIOUS = ("serious", "critical")


def violations(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the current page (WCAG 2.1 A and AA rules)."""
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a",
            "wcag21aa", "best-practice"]}})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
          .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """
    )
    return [v for v in result if v["impact"] in SERIOUS]
