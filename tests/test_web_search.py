"""The site's search (/search, issue 13) over HTTP: words, facets, paging, CSV and JSON, and hostile input.

Against the real thing, as tests/test_web.py: the fictional sample published (which writes search.sqlite into
the release folder) and served by `cablegraph serve`. What the pages show is compared with the index itself,
read with cablegraph.search's Searcher from the same release folder.
"""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from servers import free_port
from websites import start_site, stop_site

from cablegraph.search.query import Filters, Searcher
from cablegraph.store.publish import publish

TIMEOUT = 30


class SearchPage(HTMLParser):
    """What a results page shows: hit ids in order, facet links, active-filter removals, pager links, forms."""

    def __init__(self, text: str):
        super().__init__()
        self.hits: list[str] = []
        self.facets: dict[tuple[str, str], str] = {}  # (facet, value) -> href that adds it
        self.counts: dict[tuple[str, str], int] = {}
        self.active: list[str] = []  # hrefs of the facet links that remove an active filter
        self.removals: list[str] = []
        self.rel: dict[str, str] = {}
        self.search_inputs: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.forms: list[str] = []
        self._facet: str | None = None
        self._last: tuple[str, str] | None = None
        self._in_count = self._in_id = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        classes = a.get("class", "").split()
        if tag == "section" and "facet" in classes:
            self._facet = next(c[6:] for c in classes if c.startswith("facet-"))
        if tag == "a" and "id" in classes:
            self._in_id = True
        if tag == "a" and a.get("data-facet"):
            self._last = (a["data-facet"], a["data-value"])
            self.facets[self._last] = a["href"]
        elif tag == "a" and self._facet and "on" in classes:
            self.active.append(a["href"])
            self._last = None
        if tag == "a" and a.get("aria-label", "").startswith("Remove the filter"):
            self.removals.append(a["href"])
        if tag == "a" and a.get("rel") in ("prev", "next"):
            self.rel[a["rel"]] = a["href"]
        if tag == "span" and "count" in classes:
            self._in_count = True
        if tag == "form":
            self.forms.append(a.get("action", ""))
        if tag == "input" and a.get("name") == "q":
            self.search_inputs.append(a)
        if tag == "label":
            self.labels.add(a.get("for", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._facet = None
        if tag == "a":
            self._in_id = False

    def handle_data(self, data: str) -> None:
        if self._in_id:
            self.hits.append(data.strip())
        if self._in_count:
            if self._last:
                self.counts[self._last] = int(data.replace(",", ""))
            self._in_count = False


@pytest.fixture(scope="module")
def searcher(web_site) -> Searcher:
    opened = Searcher((web_site.data / "current").resolve() / "search.sqlite")
    yield opened
    opened.close()


def get(site, path: str, **kwargs) -> requests.Response:
    return requests.get(site.url + path, timeout=TIMEOUT, allow_redirects=kwargs.pop("redirects", True), **kwargs)


def page(site, path: str) -> tuple[requests.Response, SearchPage]:
    response = get(site, path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response, SearchPage(response.text)


def ids(result) -> list[str]:
    return [hit.reference_id for hit in result.hits]


# -- words ------------------------------------------------------------------------------------------------


def test_a_word_in_a_fictional_cable_finds_it_highlighted(web_site, searcher):
    response, shown = page(web_site, "/search?q=lantern")
    expected = searcher.search("lantern", limit=20)
    assert expected.total >= 2 and "09USNATO9001" in ids(expected)
    assert shown.hits == ids(expected)  # same cables, same (BM25) order
    assert '<a class="id" href="/cable/09USNATO9001">09USNATO9001</a>' in response.text
    assert "<mark>LANTERN</mark>" in response.text.upper().replace("<MARK>", "<mark>").replace("</MARK>", "</mark>")
    assert response.text.count("<mark>") >= len(expected.hits)
    assert f"{expected.total} cables for" in response.text
    assert response.headers["x-total-count"] == str(expected.total)
    for fact in ("2009-09-10", "USNATO", "CONFIDENTIAL", "NORTHERN LANTERN"):  # date, origin, level, subject
        assert fact in response.text


def test_accents_phrases_and_no_match(web_site, searcher):
    _, shown = page(web_site, "/search?q=%22northern+lantern%22")
    assert shown.hits == ids(searcher.search('"northern lantern"'))
    response, shown = page(web_site, "/search?q=zzyzxnothingsuch")
    assert shown.hits == [] and "0 cables" in response.text and "No cable matches" in response.text


def test_an_exact_cable_id_leads_to_the_cable_and_an_unknown_one_is_searched(web_site):
    response = get(web_site, "/search?q=09usnato9001", redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/cable/09USNATO9001"
    response = get(web_site, "/search?q=+09USNATO+9001+", redirects=False)
    assert response.status_code == 303
    unknown = get(web_site, "/search?q=09USNATO99999")
    assert unknown.status_code == 200 and "No released cable has the id" in unknown.text
    assert 'href="/cable?id=09USNATO99999"' in unknown.text
    # programs asking for JSON get results, not a redirect; the old lookup still works
    assert get(web_site, "/search?q=09USNATO9001&format=json", redirects=False).status_code == 200
    assert get(web_site, "/cable?id=09usnato9001", redirects=False).status_code == 303
    # "Gaddafi" in the header box is a search, no longer a 404 at /cable/GADDAFI
    assert get(web_site, "/search?q=Gaddafi").status_code == 200


# -- facets -----------------------------------------------------------------------------------------------


def test_two_facets_combine_by_clicks_and_agree_with_the_index(web_site, searcher):
    _, start = page(web_site, "/search?q=invented")
    whole = searcher.search("invented")
    assert start.hits == ids(whole)
    for name, values in whole.facets.items():  # every facet value, with the index's count
        for value, count in values:
            assert start.counts[(name, value)] == count, (name, value)
    origin = next(value for value, count in whole.facets["origin"] if count >= 2)
    _, one = page(web_site, start.facets[("origin", origin)])
    level = next(value for value, _ in searcher.search("invented", Filters(origin=origin)).facets["classification"])
    href = one.facets[("classification", level)]
    assert parse_qs(urlsplit(href).query) == {"q": ["invented"], "origin": [origin], "classification": [level]}
    response, two = page(web_site, href)
    expected = searcher.search("invented", Filters(origin=origin, classification=level))
    assert expected.total >= 1 and two.hits == ids(expected)
    assert response.headers["x-total-count"] == str(expected.total)
    for name, values in expected.facets.items():
        for value, count in values:
            assert two.counts.get((name, value), count) == count
    # both shown as active, each with a link that removes it alone
    assert len(two.removals) == 2
    _, without_origin = page(web_site, two.removals[0])
    assert without_origin.hits == ids(searcher.search("invented", Filters(classification=level)))


def test_a_tag_facet_adds_a_tag_and_a_year_facet_sets_the_dates(web_site, searcher):
    _, start = page(web_site, "/search?tag=NATO")
    assert start.hits == ids(searcher.search("", Filters(tags=("NATO",))))
    other = next(value for value, _ in searcher.search("", Filters(tags=("NATO",))).facets["tag"] if value != "NATO")
    params = parse_qs(urlsplit(start.facets[("tag", other)]).query)
    assert params == {"tag": ["NATO", other]}
    _, both = page(web_site, start.facets[("tag", other)])
    assert both.hits == ids(searcher.search("", Filters(tags=("NATO", other))))
    year = searcher.search("", Filters(tags=("NATO",))).facets["year"][0][0]
    params = parse_qs(urlsplit(start.facets[("year", year)]).query)
    assert params == {"tag": ["NATO"], "from": [f"{year}-01-01"], "to": [f"{year}-12-31"]}
    _, in_year = page(web_site, start.facets[("year", year)])
    expected = searcher.search("", Filters(tags=("NATO",), date_from=f"{year}-01-01", date_to=f"{year}-12-31"))
    assert in_year.hits == ids(expected)
    assert in_year.active  # the year facet shows as on, and its link removes the dates
    assert parse_qs(urlsplit(in_year.active[0]).query) == {"tag": ["NATO"]}


def test_filters_alone_list_cables_newest_first_and_the_cairo_secret_2009_walk(web_site, searcher):
    _, everything = page(web_site, "/search?limit=100")
    expected = searcher.search("", limit=100)
    assert everything.hits == ids(expected)
    dates = [hit.created for hit in expected.hits if hit.created]
    assert dates == sorted(dates, reverse=True)
    # the walk (Cairo x SU x SECRET x 2009) in this sample's terms: an origin, a tag, a level, a year
    href = "/search"
    for facet, value in (("origin", "USNATO"), ("tag", "NATO"), ("classification", "SECRET//NOFORN"),
                         ("year", "2009")):
        _, shown = page(web_site, href)
        href = shown.facets[(facet, value)]
    _, last = page(web_site, href)
    final = searcher.search("", Filters(tags=("NATO",), origin="USNATO", classification="SECRET//NOFORN",
                                        date_from="2009-01-01", date_to="2009-12-31"))
    assert last.hits == ids(final) == ["09USNATO9003"]


# -- formats ----------------------------------------------------------------------------------------------


def test_csv_and_json_hold_the_hits_the_page_shows(web_site, searcher):
    for path in ("/search?q=invented&limit=5", "/search?q=invented&limit=5&page=2", "/search?tag=PREL&origin=USNATO"):
        _, shown = page(web_site, path)
        as_csv = get(web_site, path + "&format=csv")
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        assert "attachment" in as_csv.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(as_csv.text)))
        assert [row["id"] for row in rows] == shown.hits
        as_json = get(web_site, path + "&format=json")
        assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
        body = as_json.json()
        assert [result["id"] for result in body["results"]] == shown.hits
        assert body["total"] == int(as_csv.headers["x-total-count"]) == int(as_json.headers["x-total-count"])
        assert [row["subject"] for row in rows] == [result["subject"] for result in body["results"]]
        for result in body["results"]:
            assert result["page"] == "/cable/" + result["id"]
            assert result["iri"] == web_site.base + "cable/" + result["id"]
            assert "\x02" not in result["snippet"] and "\x03" not in result["snippet"]
    body = get(web_site, "/search?q=lantern&format=json").json()
    assert all(any(word.lower() == "lantern" for word in result["matches"]) for result in body["results"])
    origins = searcher.search("lantern").facets["origin"]
    assert body["facets"]["origin"] == [{"value": value, "count": count} for value, count in origins]
    # the page links both, and Accept chooses when ?format= is absent
    html = get(web_site, "/search?q=lantern").text
    assert 'href="/search?q=lantern&amp;format=csv"' in html and 'href="/search?q=lantern&amp;format=json"' in html
    assert get(web_site, "/search?q=lantern", headers={"Accept": "application/json"}).json()["total"] == body["total"]
    assert get(web_site, "/search?q=lantern", headers={"Accept": "text/csv"}).text.startswith("id,iri,")


# -- paging -----------------------------------------------------------------------------------------------


def test_paging_walks_every_result_once_with_shareable_links(web_site, searcher):
    expected = ids(searcher.search("", limit=100))
    seen: list[str] = []
    href: str | None = "/search?limit=5"
    pages = 0
    while href:
        response, shown = page(web_site, href)
        assert "limit=5" in href
        seen += shown.hits
        pages += 1
        assert f"page {pages} of {-(-len(expected) // 5)}" in response.text
        href = shown.rel.get("next")
        if pages > 1:
            assert "prev" in shown.rel
    assert seen == expected and pages == -(-len(expected) // 5)
    body = get(web_site, "/search?limit=5&format=json").json()
    assert body["links"]["next"] == "/search?page=2&limit=5&format=json" and "prev" not in body["links"]
    assert 'rel="next"' in get(web_site, "/search?limit=5&format=csv").headers["link"]
    beyond = get(web_site, "/search?page=999")
    assert beyond.status_code == 200 and "No results on this page" in beyond.text


# -- hostile and bad input --------------------------------------------------------------------------------


HOSTILE = [
    "' OR 1=1 --", "'; DROP TABLE cable; --", "\" OR \"\"=\"", "lantern) UNION SELECT iri FROM cable --",
    "NEAR(", "\"unbalanced", "*", "AND", "OR OR", "NOT", "subject:lantern", "body : x", "{subject body}: x",
    "^lantern", "lantern*", "al-Qaida", "a\x00b", "\x00", "％ lantern ＊", "🙂", "a" * 1000,
]


@pytest.mark.parametrize("words", HOSTILE)
def test_hostile_words_get_an_answer_never_a_500(web_site, words):
    for fmt in ("", "&format=json", "&format=csv"):
        response = get(web_site, "/search", params={"q": words}) if not fmt else \
            get(web_site, "/search", params={"q": words, "format": fmt.split("=")[1]})
        assert response.status_code == 200, (words, fmt, response.status_code, response.text[:300])


def test_the_index_is_untouched_after_hostile_words(web_site, searcher):
    for words in HOSTILE[:4]:
        get(web_site, "/search", params={"q": words})
    _, shown = page(web_site, "/search?q=lantern")
    assert shown.hits == ids(searcher.search("lantern"))


@pytest.mark.parametrize(("params", "reason"), [
    ({"page": "x"}, "page must be a whole number"),
    ({"page": "0"}, "page must be a whole number"),
    ({"page": "-1"}, "page must be a whole number"),
    ({"page": "1e3"}, "page must be a whole number"),
    ({"page": "99999999999999999999"}, "page must be a whole number"),
    ({"limit": "0"}, "limit must be a whole number from 1 to 1,000"),
    ({"limit": "1001"}, "limit must be a whole number from 1 to 1,000"),
    ({"q": "x" * 5000}, "the search is too long"),
    ({"from": "2009-13-01"}, "from must be a date"),
    ({"to": "yesterday"}, "to must be a date"),
    ({"from": "2010-01-01", "to": "2009-01-01"}, "is after to"),
    ({"format": "xml"}, "format must be one of html, csv, json"),
    ({"origin": "X" * 500}, "origin is too long"),
    ({"tag": [f"T{n}" for n in range(11)]}, "a search takes 10 at most"),
    ({"q": ["lantern", "seminar"]}, "q was given 2 times with different values"),
    ({"page": ["1", "2"]}, "page was given 2 times"),
])
def test_bad_input_gets_a_400_page_with_the_reason(web_site, params, reason):
    response = get(web_site, "/search", params=params)
    assert response.status_code == 400, (params, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    assert reason in response.text.replace("&#39;", "'")
    as_json = get(web_site, "/search", params=params | {"format": "json"} if "format" not in params else params)
    assert as_json.status_code == 400


def test_an_address_too_long_for_any_url_is_refused_with_the_reason(web_site):
    response = get(web_site, "/search", params={"q": "x" * 100_000})
    assert response.status_code == 414 and "A search takes 1,000 characters at most" in response.text


def test_repeated_identical_params_and_unknown_facet_values(web_site, searcher):
    assert page(web_site, "/search?q=lantern&q=lantern")[1].hits == ids(searcher.search("lantern"))
    assert page(web_site, "/search?tag=NATO&tag=NATO")[1].hits == ids(searcher.search("", Filters(tags=("NATO",))))
    for params in ({"origin": "NOWHERE"}, {"tag": "ZZZZ"}, {"classification": "ULTRA"}, {"caveat": "'; --"}):
        response = get(web_site, "/search", params=params)
        assert response.status_code == 200 and "0 cables" in response.text, params
        assert "Remove the filter" in response.text  # shown as a filter, with a way out
    # a control character is no part of a value (as in words): "USNATO\x00" is USNATO
    usnato = ids(searcher.search("", Filters(origin="USNATO")))
    assert page(web_site, "/search?origin=USNATO%00")[1].hits == usnato
    # values are compared exactly: filters are not words (no FTS syntax, no wildcards)
    assert get(web_site, "/search?origin=USNAT%25&format=json").json()["total"] == 0


XSS = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'-alert(3)-'"


def test_html_and_script_in_the_url_are_escaped_everywhere_on_the_page(web_site):
    for params in ({"q": XSS}, {"origin": XSS}, {"tag": XSS}, {"classification": XSS, "q": "lantern"},
                   {"q": XSS, "page": "x"}):
        response = get(web_site, "/search", params=params)
        assert response.status_code in (200, 400)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, params
        if response.status_code == 200:  # shown back, as text (a 400 page need not show it at all)
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]
    body = get(web_site, "/search", params={"q": XSS, "format": "json"}).json()
    assert body["q"] == XSS


# -- on every page, accessible ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/browse/date", "/browse/origin", "/browse/classification", "/browse/tag",
                                  "/browse/date/2009", "/cable/09USNATO9001", "/tag/NATO", "/post/USNATO",
                                  "/query", "/dumps/", "/dataset", "/search", "/search?q=lantern", "/no/such/thing",
                                  "/search?page=x"])
def test_the_search_box_is_in_the_header_of_every_page(web_site, path):
    response = get(web_site, path, headers={"Accept": "text/html"})
    assert response.status_code in (200, 400, 404)
    shown = SearchPage(response.text)
    assert "/search" in shown.forms
    box = next(field for field in shown.search_inputs if field.get("id") == "site-search")
    assert box["id"] in shown.labels and box["type"] == "search"


def test_the_results_page_labels_its_inputs_and_lists_facets_as_links(web_site):
    response, shown = page(web_site, "/search?q=invented")
    for field in ("q", "from", "to", "site-search"):
        assert f'<label for="{field}"' in response.text or f'<label class="hidden" for="{field}"' in response.text
    assert '<ol class="hits"' in response.text and '<aside class="facets"' in response.text
    assert all(href.startswith("/search?") for href in shown.facets.values())


# -- a release without an index ---------------------------------------------------------------------------


def test_a_release_published_before_search_says_to_publish_again(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    publish([str(files("cablegraph") / "fixtures")], tmp_path, base=url + "/", public_url=url, say=lambda _: None)
    index = (tmp_path / "current").resolve() / "search.sqlite"
    index.unlink()
    process = start_site(tmp_path, port)
    try:
        response = requests.get(url + "/search?q=lantern", timeout=TIMEOUT)
        assert response.status_code == 503 and "Publish again" in response.text
        assert response.headers["content-type"].startswith("text/html")
        assert "site-search" in response.text  # still a page of the site
        as_json = requests.get(url + "/search?q=lantern&format=json", timeout=TIMEOUT)
        assert as_json.status_code == 503 and "Publish again" in as_json.json()["error"]
        assert requests.get(url + "/cable/09USNATO9001", timeout=TIMEOUT).status_code == 200  # the rest works
    finally:
        stop_site(process)
        shutil.rmtree(Path(tmp_path), ignore_errors=True)


# -- threads ----------------------------------------------------------------------------------------------


def test_concurrent_searches_each_get_their_own_answer(web_site, searcher):
    """More searches at once than the pool has connections: each answer is its own (no crossed cursors)."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [(words, limit) for words in ("invented", "lantern", "seminar", "") for limit in range(1, 7)]

    def fetch(case: tuple[str, int]) -> tuple[tuple[str, int], list[str]]:
        words, limit = case
        body = get(web_site, "/search", params={"q": words, "limit": limit, "format": "json"}).json()
        return case, [result["id"] for result in body["results"]]

    with ThreadPoolExecutor(12) as pool:
        for (words, limit), found in pool.map(fetch, cases):
            assert found == ids(searcher.search(words, limit=limit)), (words, limit)


def test_a_search_past_its_time_is_stopped_not_left_running(web_site):
    """The pool's deadline, on the real index file: SQLite is interrupted and the connection goes back clean."""
    import anyio

    from cablegraph.web.fulltext import Query, SearchPool, SearchTimeout

    index = (web_site.data / "current").resolve() / "search.sqlite"
    late = SearchPool(index, seconds=-1.0, check_every=1)

    async def run() -> None:
        with pytest.raises(SearchTimeout, match="took longer than"):
            await late.search(Query(q="invented"))
        late.seconds = 30.0  # the same connection, handler cleared, answers the next search
        assert (await late.search(Query(q="lantern"))).total >= 2

    anyio.run(run)
    late.close()
