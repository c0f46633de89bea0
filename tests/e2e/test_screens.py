"""Each screen, light and dark, on a Pixel 5: a screenshot for people, and axe for serious problems."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import REPO
from tests.e2e.screens import SCREENS, Screen

pytestmark = pytest.mark.e2e

SCREENSHOTS = REPO / "test-results" / "screens"
BLOCKING_IMPACTS = {"serious", "critical"}


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS, ids=[screen.name for screen in SCREENS])
def test_screen(
    request: pytest.FixtureRequest, new_context, server: str, screen: Screen, scheme: str
) -> None:
    base_url = request.getfixturevalue("short_session_server") if screen.short_session else server
    context: BrowserContext = new_context(base_url=base_url, color_scheme=scheme, **screen.context_args)
    page: Page = context.new_page()
    screen.prepare(context, page)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if scheme == "light" else "-sombre"
    page.screenshot(path=SCREENSHOTS / f"{screen.name}{suffix}.png", animations="disabled", caret="hide")

    violations = Axe().run(page).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {screen.name} ({scheme}):\n{_describe(blocking)}"
