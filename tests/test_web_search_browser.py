"""The site's search in a real browser (Debian's Chromium through Playwright), as tests/test_web_browser.py:
the header box, a facet click, and the results page on a phone-sized screen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_web_browser import browser, page  # noqa: F401 - the fixtures: Chromium, and a page that fails on errors

from cablegraph.search.query import Filters, Searcher

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def searcher(web_site) -> Searcher:
    opened = Searcher((web_site.data / "current").resolve() / "search.sqlite")
    yield opened
    opened.close()


def shown_ids(page) -> list[str]:  # noqa: F811 - the fixture's name
    return page.locator("ol.hits a.id").all_inner_texts()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_typing_in_the_header_box_and_narrowing_by_a_facet(page, searcher, artifacts):  # noqa: F811
    page.goto("/browse/date")
    box = page.get_by_role("searchbox", name="Search the cables (words, or a cable id)")
    box.fill("invented")
    box.press("Enter")
    page.wait_for_url("**/search?q=invented")
    whole = searcher.search("invented")
    assert shown_ids(page) == [hit.reference_id for hit in whole.hits]
    assert page.locator("mark").first.inner_text().lower() == "invented"
    level = next(value for value, count in whole.facets["classification"] if count < whole.total)
    page.locator(f".facet-classification a[data-value='{level}']").click()
    page.wait_for_url("**/search?*classification=*")
    assert query_of(page.url) == {"q": ["invented"], "classification": [level]}
    narrowed = searcher.search("invented", Filters(classification=level))
    assert shown_ids(page) == [hit.reference_id for hit in narrowed.hits]
    assert page.locator("#results-heading").inner_text().startswith(f"{narrowed.total} cable")
    assert set(page.locator("ol.hits .classification").all_inner_texts()) == {level}
    page.screenshot(path=str(artifacts / "search-results.png"), full_page=True)
    # and the filter comes off again by its own link
    page.get_by_role("link", name=f"Remove the filter classification {level}").click()
    page.wait_for_url("**/search?q=invented")
    assert len(shown_ids(page)) == min(whole.total, 20)


def test_a_cable_id_in_the_header_box_opens_the_cable(page):  # noqa: F811
    page.goto("/")
    box = page.locator("#site-search")
    box.fill("09usnato9001")
    box.press("Enter")
    page.wait_for_url("**/cable/09USNATO9001")
    assert page.locator("h1").inner_text().startswith("09USNATO9001")


def test_the_results_page_fits_a_phone_screen(browser, web_site, artifacts):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=web_site.url,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        for path in ("/search?q=invented", "/search?q=lantern&origin=USNATO&tag=NATO",
                     "/search?q=" + "averyveryverylongwordwithoutanyspaceatall" * 4, "/search?page=x"):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        phone.goto("/search?q=invented")
        assert phone.locator("ol.hits li").count() >= 1
        assert phone.locator("aside.facets a").first.is_visible()
        phone.screenshot(path=str(artifacts / "search-results-phone.png"), full_page=True)
    finally:
        context.close()
