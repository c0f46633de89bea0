"""A new version waits for the person: « Nouvelle version disponible » → « Mettre à jour » → reload."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PWA_DIST, require_pwa_build, valence_server
from tests.e2e.flows import heading, open_section, wait_for_service_worker_control

pytestmark = pytest.mark.e2e

UPDATE_REGISTRATION = "async () => { await (await navigator.serviceWorker.getRegistration()).update(); }"


@pytest.fixture(scope="module")
def releasable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server on its own copy of the build, so the test can publish a new release in place."""
    workdir = tmp_path_factory.mktemp("e2e-update")
    require_pwa_build()
    pwa = shutil.copytree(PWA_DIST, workdir / "dist")
    with valence_server(workdir, VALENCE_PWA_DIR=str(pwa)) as base_url:
        yield base_url, pwa


def test_update_toast_activates_the_new_worker(new_context, releasable: tuple[str, Path]) -> None:
    base_url, pwa = releasable
    context: BrowserContext = new_context(base_url=base_url)
    page: Page = context.new_page()
    open_section(page, "/carte")
    wait_for_service_worker_control(page)

    # A release changes sw.js (its precache revisions): any byte difference makes a new worker.
    sw = pwa / "sw.js"
    sw.write_text(sw.read_text() + "\n// next release\n")
    page.evaluate(UPDATE_REGISTRATION)

    toast = page.locator(".toast", has_text="Nouvelle version disponible")
    expect(toast).to_be_visible()
    # The old worker keeps the page until the person chooses.
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).waiting !== null")

    with page.expect_event("load"):
        toast.get_by_role("button", name="Mettre à jour").click()
    expect(heading(page)).to_have_text("Carte étudiante")
    expect(page.locator(".toast")).to_have_count(0)
    assert page.evaluate(
        "async () => { const r = await navigator.serviceWorker.getRegistration();"
        " return r.waiting === null && r.active === navigator.serviceWorker.controller; }"
    )
