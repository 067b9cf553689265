"""The web site in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.

Playwright's own browser download is not reachable here, so the system browser is launched by path.
Without it the tests skip, except under CI (env CI set), where they fail: `.ci/run` installs it.
Screenshots and downloads are kept in tests/artifacts/ (CABLEGRAPH_TEST_ARTIFACTS overrides).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import missing_server

pytestmark = pytest.mark.browser

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    found = next((path for path in CHROMIUM_PATHS if Path(path).exists()), None)
    return found or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        missing_server("chromium not installed: `apt-get install -y chromium` (Debian's package; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_server("the playwright Python package is not installed: `make setup` installs the test extras")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, web_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  base_url=web_site.url)
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text)
              if message.type == "error" and "Content Security Policy" in message.text else None)
    yield opened
    context.close()
    assert not errors, errors


def test_cable_page_and_following_a_reference(page, artifacts):
    page.goto("/cable/09USNATO9001")
    assert page.locator("h1").inner_text().startswith("09USNATO9001")
    assert page.locator(".banner").first.inner_text() == "CONFIDENTIAL"
    assert page.locator(".paragraph").count() == 5
    page.screenshot(path=str(artifacts / "cable-page.png"), full_page=True)
    page.locator("a.ref").first.click()
    page.wait_for_url("**/cable/09STATE199001")
    assert "09STATE199001" in page.locator("h1").inner_text()
    # and back through "Cited by" to where we came from
    page.locator("#cited-by a[href='/cable/09USNATO9001']").click()
    page.wait_for_url("**/cable/09USNATO9001")


def test_browse_by_tag_to_a_cable(page):
    page.goto("/browse/tag")
    page.locator("a[href='/tag/NATO']").click()
    page.wait_for_url("**/tag/NATO")
    page.locator("a.on", has_text="date").wait_for()
    page.locator("table.cables a").first.click()
    page.wait_for_url("**/cable/*")


def test_running_a_canned_query_in_the_editor(page, artifacts):
    page.goto("/query")
    page.locator("a.canned-query[data-name='count-per-post']").click()
    page.wait_for_url("**/query?canned=count-per-post")
    page.locator(".yasqe").wait_for()
    assert "Cables per post" in page.locator(".yasqe").inner_text()
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=20_000)
    assert rows.count() >= 5
    assert "USNATO" in page.locator(".yasr table").inner_text()
    assert "count-per-post" not in page.locator("#share-link").get_attribute("href")  # the query text itself
    page.screenshot(path=str(artifacts / "query-page.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#csv-link").click()
    saved = artifacts / "query-results.csv"
    download.value.save_as(saved)
    assert saved.read_text().splitlines()[0].startswith("post,station")


def test_downloading_a_dump(page, web_site, artifacts):
    page.goto("/dumps/")
    with page.expect_download() as download:
        page.locator("a[href='/dumps/cables.ttl.gz']").click()
    saved = artifacts / download.value.suggested_filename
    download.value.save_as(saved)
    sums = (web_site.data / "dumps" / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(saved.read_bytes()).hexdigest()}  cables.ttl.gz" in sums
