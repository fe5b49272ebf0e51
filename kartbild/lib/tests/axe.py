"""axe-core in a real browser: inject it into a Playwright page, run the WCAG 2.0/2.1 A and AA
rules, and turn what it finds into a list a person can read.

axe-core comes from npm (package.json at the repository root, `npm install`). Without it the
audits skip with the reason printed, except where KARTBILD_REQUIRE_AXE is set (CI sets it), where
a missing axe-core is a failure: an audit that silently did not run proves nothing."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_PACKAGE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core"
AXE_SCRIPT = AXE_PACKAGE / "axe.min.js"
# The rule sets the law points at: EN 301 549 asks for WCAG 2.1 level A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The viewports every page is audited at.
# - desktop: an ordinary laptop window.
# - reflow: 320 CSS px wide, the width WCAG 1.4.10 (Reflow) names; nothing may scroll sideways.
# - zoom200: a 1280 × 800 window zoomed to 200 %. Browser zoom makes every CSS pixel two device
#   pixels, so the page lays out in 640 × 400 CSS px at device scale factor 2: exactly what
#   Chromium does when a person presses Ctrl + twice from 100 % (110, 125, 150, 175, 200 %).
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "reflow": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


@cache
def axe_source() -> str:
    """The axe-core script, or a skip (a failure under KARTBILD_REQUIRE_AXE) when it is missing."""
    if not AXE_SCRIPT.exists():
        reason = (
            f"axe-core is not installed at {AXE_SCRIPT}: run `npm install` at the repository root"
        )
        if os.environ.get("KARTBILD_REQUIRE_AXE"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_version() -> str:
    return str(json.loads((AXE_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"])


@dataclass(frozen=True)
class Violation:
    where: str
    rule: str
    impact: str
    help: str
    url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        nodes = "\n".join(f"      at {target}" for target in self.targets[:5])
        more = f"\n      … and {len(self.targets) - 5} more" if len(self.targets) > 5 else ""
        return f"  {self.where}: [{self.impact}] {self.rule}: {self.help}\n{nodes}{more}\n      {self.url}"


def audit(page: Any, where: str) -> list[Violation]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    source = axe_source()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script>: the site's Content Security
        # Policy rightly forbids inline scripts, and the audit must see the page under that policy.
        page.evaluate(source)
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                rule: v.id, impact: v.impact || "", help: v.help, url: v.helpUrl,
                targets: v.nodes.map((node) => node.target.join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )
    return [
        Violation(
            where=where,
            rule=item["rule"],
            impact=item["impact"],
            help=item["help"],
            url=item["url"],
            targets=tuple(item["targets"]),
        )
        for item in result
    ]


def horizontal_overflow(page: Any, where: str) -> list[str]:
    """WCAG 1.4.10: the page itself must not scroll sideways. A wide table may scroll inside its
    own `.table-scroll` box (data tables are exempt), but the document may not."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    scroll_width, client_width = widths
    if scroll_width > client_width:
        return [f"  {where}: the page is {scroll_width} px wide in a {client_width} px viewport"]
    return []


def report(problems: list[Any]) -> str:
    """One readable message for an assertion: every problem on its own lines."""
    return f"{len(problems)} accessibility problem(s):\n" + "\n".join(str(p) for p in problems)
