"""The service worker: controls the page on first visit, precaches the shell, never an /api/ answer."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import heading, new_person, register, wait_for_service_worker_control

pytestmark = pytest.mark.e2e

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""


def test_worker_controls_the_page_after_the_first_load(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{server}/sw.js"
    expect(heading(page)).to_have_text("Rechercher")


def test_precache_holds_the_shell_and_no_api_response(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    register(page, new_person())  # several authenticated /api/ calls go through the worker

    urls: list[str] = page.evaluate(CACHED_URLS)
    paths = {url.removeprefix(server).split("?")[0] for url in urls}
    assert "/" in paths  # the shell, as the server answers it
    assert any(path.startswith("/assets/") and path.endswith(".js") for path in paths)
    assert any(path.startswith("/assets/") and path.endswith(".css") for path in paths)
    assert not [url for url in urls if "/api/" in url]
