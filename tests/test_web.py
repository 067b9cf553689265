"""The linked-data web site over HTTP: every route, every representation, and bad input.

Everything runs against the real thing: the bundled sample published under a base IRI equal to the
site's URL, served by `cablegraph serve` (the site in front of a read-only Oxigraph), so each IRI
in the data is fetched exactly as a linked-data client would fetch it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from cablegraph.web.iris import NotAnIri, Site
from cablegraph.web.negotiate import NotAcceptable, choose, parse_accept

TIMEOUT = 30
SPARQL_JSON = "application/sparql-results+json"
RDF_FORMATS = {  # Accept -> pyoxigraph format to parse the answer with
    "text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD, "application/rdf+xml": RdfFormat.RDF_XML,
}
ONTOLOGY = "https://w3id.org/cablegraph/ontology"
VOCAB = "https://w3id.org/cablegraph/vocab/"


def get(url: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, timeout=TIMEOUT, allow_redirects=kwargs.pop("redirects", True),
                        **kwargs)


def vary(response: requests.Response) -> set[str]:
    """Vary without Accept-Encoding, which gzip adds to every compressed answer (tested on its own below)."""
    return {token.strip() for token in response.headers.get("vary", "").split(",")
            if token.strip() and token.strip() != "Accept-Encoding"}


def select(site, query: str) -> list[dict[str, str]]:
    response = requests.post(site.url + "/sparql", data={"query": query}, headers={"Accept": SPARQL_JSON},
                             timeout=TIMEOUT)
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def triple_count(site) -> int:
    return int(select(site, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])


def subjects_of(triples: list, iri: str) -> bool:
    return any(t.subject == NamedNode(iri) or getattr(t.object, "value", None) == iri for t in triples)


# -- units: negotiation and IRIs (no server) ----------------------------------------------------


def test_accept_header_parsing_orders_by_quality_then_position():
    assert parse_accept("text/html;q=0.5, text/turtle, */*;q=0.1") == [
        ("text/turtle", 1.0), ("text/html", 0.5), ("*/*", 0.1)]
    assert parse_accept("garbage, ;;, text/turtle;q=abc") == [("text/turtle", 0.0)]


@pytest.mark.parametrize(("accept", "fmt", "key"), [
    (None, None, "html"), ("", None, "html"), ("*/*", None, "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "html"),  # a browser
    ("text/turtle", None, "ttl"), ("application/x-turtle", None, "ttl"), ("application/n-triples", None, "nt"),
    ("application/ld+json", None, "jsonld"), ("application/json", None, "jsonld"),
    ("application/rdf+xml", None, "rdf"), ("text/html;q=0.1, application/rdf+xml;q=0.9", None, "rdf"),
    ("image/png, text/turtle;q=0.2", None, "ttl"), ("text/turtle", "nt", "nt"), ("text/html", "jsonld", "jsonld"),
])
def test_content_negotiation_choices(accept, fmt, key):
    assert choose(accept, fmt).key == key


@pytest.mark.parametrize(("accept", "fmt"), [("image/png", None), ("text/turtle;q=0", None), (None, "exe")])
def test_content_negotiation_refusals(accept, fmt):
    with pytest.raises(NotAcceptable):
        choose(accept, fmt)


def test_site_maps_paths_to_iris_both_ways():
    site = Site("https://w3id.org/cablegraph/")
    assert site.iri("/cable/09USNATO383") == "https://w3id.org/cablegraph/cable/09USNATO383"
    local = Site("http://127.0.0.1:8080/")
    assert local.iri("cable/09USNATO383") == "http://127.0.0.1:8080/cable/09USNATO383"
    assert local.iri("ontology") == ONTOLOGY  # the vocabulary keeps its own namespace whatever the data base
    assert local.iri("vocab/classification/SECRET") == VOCAB + "classification/SECRET"
    assert local.local(ONTOLOGY + "#Cable") == "/ontology#Cable"
    assert local.href("http://www.wikidata.org/entity/Q7184") == "http://www.wikidata.org/entity/Q7184"
    assert local.href("javascript:alert(1)") == "#" and local.href("urn:x") == "#"
    assert local.kind(local.iri("cable/X")) == "cable" and local.kind(local.iri("cable/X/paragraph/1")) == "resource"
    assert local.kind(local.iri("vocab/caveat/NOFORN")) == "concept"


@pytest.mark.parametrize("path", ["", "cable/a b", "cable/<x>", 'cable/x"y', "cable/../etc/passwd", "cable//x",
                                  "cable/%zz", "cable/{x}", "cable/x\\y", "cable/é", "cable/x\ny"])
def test_site_refuses_paths_that_are_not_iris(path):
    with pytest.raises(NotAnIri):
        Site("http://127.0.0.1:8080/").iri(path)


# -- every minted IRI dereferences ----------------------------------------------------------------


def minted_iris(site) -> list[str]:
    """Every IRI the data uses, as subject or object, under the data base or our vocabulary namespaces."""
    rows = select(site, "SELECT DISTINCT ?s WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?g { ?o ?p ?s } } "
                        "FILTER (isIRI(?s)) }")
    return sorted({row["s"].split("#")[0] for row in rows
                   if row["s"].startswith((site.base, ONTOLOGY, VOCAB))})


def test_every_minted_iri_resolves_to_html_and_turtle(web_site):
    iris = minted_iris(web_site)
    kinds = {re.sub(r"/[^/]+$", "/*", iri.removeprefix(web_site.base)) for iri in iris}
    assert len(iris) > 300 and {"cable/*", "post/*", "tag/*", "person/*", "addressee/*", "dumps/*"} <= kinds
    failures = []
    with requests.Session() as session:
        for iri in iris:
            url = iri if iri.startswith(web_site.base) else web_site.url + "/" + iri.removeprefix(
                "https://w3id.org/cablegraph/")
            if iri.startswith(web_site.base + "dumps/"):  # a distribution's IRI is its download URL
                if session.get(url, timeout=TIMEOUT).status_code != 200:
                    failures.append(f"{url} download")
                continue
            page = session.get(url, timeout=TIMEOUT)
            turtle = session.get(url, headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
            if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
                failures.append(f"{url} html {page.status_code}")
            elif turtle.status_code != 200 or not subjects_of(list(parse(turtle.content, format=RdfFormat.TURTLE)),
                                                              iri):
                failures.append(f"{url} turtle {turtle.status_code}")
    assert not failures, failures[:20]


ONE_OF_EACH = ["cable/09USNATO9001", "cable/09USNATO9001/paragraph/3", "cable/09USNATO9001/address/to/1",
               "cable/09USNATO9001/reference/1", "post/USNATO", "tag/NATO", "person/harold-t-wexcombe",
               "addressee/SECSTATE-WASHDC", "graph/cable/09USNATO9001", "graph/shared", "graph/dataset", "dataset",
               "shapes", "sparql-service", "agent/cablegraph/0.1.0", "ontology", "vocab/classification",
               "vocab/classification/SECRET", "vocab/caveat/SIPDIS", "vocab/tags/organization"]


@pytest.mark.parametrize("path", ONE_OF_EACH)
@pytest.mark.parametrize("accept", sorted(RDF_FORMATS))
def test_each_kind_of_resource_in_each_rdf_format(web_site, path, accept):
    response = get(f"{web_site.url}/{path}", accept)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == accept
    assert vary(response) == {"Accept", "Origin"}  # Origin: the CORS headers depend on it
    key = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
           "application/rdf+xml": "rdf"}[accept]
    assert response.headers["content-location"] == f"/{path}?format={key}"
    assert 'rel="alternate"' in response.headers["link"]
    triples = list(parse(response.content, format=RDF_FORMATS[accept]))
    assert triples
    iri = ONTOLOGY if path == "ontology" else (
        "https://w3id.org/cablegraph/" + path if path.startswith("vocab/") else web_site.base + path)
    if path.startswith("graph/") or path == "shapes":  # a graph's contents; the shapes graph has shapes#... IRIs
        return
    assert subjects_of(triples, iri)


def test_a_cable_iri_dereferences_as_its_whole_named_graph(web_site):
    response = get(web_site.base + "cable/09USNATO9001", "application/n-triples")
    triples = set(parse(response.content, format=RdfFormat.N_TRIPLES))
    graph = f"<{web_site.base}graph/cable/09USNATO9001>"
    expected = int(select(web_site, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")[0]["n"])
    own = select(web_site, f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert len(own) == expected > 100  # the cable, its paragraphs, address lines, references, provenance
    assert {(row["s"], row["p"]) for row in own} <= {(t.subject.value, t.predicate.value) for t in triples}
    extra = [t for t in triples if (t.subject.value, t.predicate.value) not in {(r["s"], r["p"]) for r in own}]
    labels = {"http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
              "http://www.w3.org/2004/02/skos/core#prefLabel"}
    cable = NamedNode(web_site.base + "cable/09USNATO9001")
    # and what links to it (09USNATO9003 cites it) and the names of both ends
    assert extra and all(t.predicate.value in labels or t.object == cable for t in extra)
    assert any(t.object == cable and t.predicate.value == "http://purl.org/dc/terms/references" for t in extra)
    assert (NamedNode(web_site.base + "post/USNATO"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Mission USNATO")) in {(t.subject, t.predicate, t.object) for t in triples}


@pytest.mark.parametrize("path", ["cable/09USNATO9001", "post/USNATO", "tag/NATO", "person/harold-t-wexcombe",
                                  "ontology", "dataset"])
def test_json_ld_is_compact_and_means_exactly_the_triples(web_site, path):
    """Short keys from the published context (`title`, `originPost`), and expanding the JSON-LD gives the
    very triples of the N-Triples representation."""
    url = f"{web_site.url}/{path}"
    response = get(url, "application/ld+json")
    document = response.json()
    assert isinstance(document["@context"], dict) and document["@context"]["cg"] == ONTOLOGY + "#"
    as_jsonld = set(parse(response.content, format=RdfFormat.JSON_LD))
    as_ntriples = set(parse(get(url, "application/n-triples").content, format=RdfFormat.N_TRIPLES))
    assert as_jsonld == as_ntriples and as_jsonld
    if path == "cable/09USNATO9001":
        (cable,) = [node for node in document["@graph"] if node["id"] == web_site.base + path]
        assert isinstance(cable["title"], str) and cable["originPost"] == web_site.base + "post/USNATO"
        assert "cg:Cable" in cable["type"] and "schema:Message" in cable["type"]


def test_the_context_is_published_and_names_every_property_of_the_data(web_site):
    context = get(web_site.url + "/context.jsonld").json()["@context"]
    named = {value["@id"] if isinstance(value, dict) else value for key, value in context.items()
             if not key.startswith("@") and key not in ("id", "type")}
    used = {row["p"] for row in select(web_site, "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER("
                                                 "STRSTARTS(STR(?g), '" + web_site.base + "graph/cable/') || ?g = <"
                                                 + web_site.base + "graph/shared>) }")}
    def expand(value: str) -> str:
        prefix, _, rest = value.partition(":")
        return context[prefix] + rest if isinstance(context.get(prefix), str) else value
    missing = sorted(p for p in used - {expand(v) for v in named}
                     if p != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert missing == ["http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"]  # the link records' statements


def test_a_representation_that_has_not_changed_is_not_sent_again(web_site):
    url = web_site.base + "cable/09USNATO9001"
    first = get(url, "text/turtle")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and get(url, "application/n-triples").headers["etag"] != etag
    again = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": etag}, timeout=TIMEOUT)
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = requests.get(url, headers={"Accept": "text/turtle", "If-Modified-Since": modified}, timeout=TIMEOUT)
    assert since.status_code == 304
    stale = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": '"0"'}, timeout=TIMEOUT)
    assert stale.status_code == 200 and stale.content == first.content
    page = get(url)
    assert requests.get(url, headers={"If-None-Match": page.headers["etag"]}, timeout=TIMEOUT).status_code == 304


def test_answers_are_gzipped_for_clients_that_ask(web_site):
    url = web_site.base + "cable/09USNATO9001"
    zipped = requests.get(url, headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    plain = requests.get(url, headers={"Accept": "text/turtle", "Accept-Encoding": "identity"}, timeout=TIMEOUT)
    assert "content-encoding" not in plain.headers and plain.content == zipped.content  # requests unzips


def test_the_rdf_of_a_resource_says_what_links_to_it(web_site):
    """A crawler walks on from any description: who cites a cable, the cables of a post, a tag, a person."""
    cited = {(t.subject, t.predicate, t.object) for t in parse(get(web_site.base + "cable/09STATE199001",
                                                                   "text/turtle").content, format=RdfFormat.TURTLE)}
    citing = NamedNode(web_site.base + "cable/09REYKJAVIK9003")
    references = NamedNode("http://purl.org/dc/terms/references")
    assert (citing, references, NamedNode(web_site.base + "cable/09STATE199001")) in cited
    assert any(s == citing and p.value == "http://purl.org/dc/terms/title" for s, p, _ in cited)
    post = set(parse(get(web_site.base + "post/USNATO", "text/turtle").content, format=RdfFormat.TURTLE))
    from_usnato = {row["c"] for row in select(web_site, f"SELECT ?c WHERE {{ ?c <{ONTOLOGY}#originPost> "
                                                        f"<{web_site.base}post/USNATO> }}")}
    linked = {t.subject.value for t in post if t.predicate.value == ONTOLOGY + "#originPost"}
    assert linked == from_usnato and len(linked) >= 3
    person = set(parse(get(web_site.base + "person/harold-t-wexcombe", "text/turtle").content,
                       format=RdfFormat.TURTLE))
    assert any(t.predicate.value == ONTOLOGY + "#classifiedBy" for t in person)


@pytest.mark.parametrize("links", ["0", "abc", "-1", "9" * 5000, "100001"])
def test_a_bad_links_page_is_refused(web_site, links):
    response = requests.get(f"{web_site.url}/post/USNATO", params={"links": links},
                            headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
    assert response.status_code == 400 and "links must be a page number" in response.text


def test_a_later_links_page_names_itself(web_site):
    response = get(f"{web_site.url}/post/USNATO?links=2", "text/turtle")
    assert response.status_code == 200
    assert response.headers["content-location"] == "/post/USNATO?format=ttl&links=2"
    own = set(parse(response.content, format=RdfFormat.TURTLE))
    assert not [t for t in own if t.predicate.value == ONTOLOGY + "#originPost"]  # the sample's few are on page 1


@pytest.mark.parametrize(("suffix", "media"), [("?format=ttl", "text/turtle"), (".ttl", "text/turtle"),
                                               (".nt", "application/n-triples"), (".jsonld", "application/ld+json"),
                                               (".rdf", "application/rdf+xml"), (".html", "text/html"),
                                               ("?format=html", "text/html")])
def test_format_by_suffix_or_parameter_wins_over_accept(web_site, suffix, media):
    response = get(f"{web_site.url}/tag/NATO{suffix}", "application/rdf+xml" if "html" in media else "text/html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_browsers_and_curl_get_html_and_unknown_types_get_406(web_site):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "*/*", None):
        response = get(web_site.url + "/cable/09USNATO9001", accept)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    refused = get(web_site.url + "/cable/09USNATO9001", "image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.text and vary(refused) == {"Accept", "Origin"}
    assert get(web_site.url + "/cable/09USNATO9001?format=docx").status_code == 406


def test_head_answers_like_get_without_a_body(web_site):
    response = requests.head(web_site.url + "/cable/09USNATO9001", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


# -- not found, odd characters, injection -------------------------------------------------------


def test_unknown_cable_is_a_helpful_404(web_site):
    response = get(web_site.url + "/cable/99NOWHERE1")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "99NOWHERE1" in response.text and 'action="/cable"' in response.text and "/browse/date" in response.text
    near = get(web_site.url + "/cable/09USNATO9999")
    assert near.status_code == 404 and 'href="/cable/09USNATO9003"' in near.text.split('class="similar"')[1]
    rdf = get(web_site.url + "/cable/99NOWHERE1", "text/turtle")
    assert rdf.status_code == 404 and rdf.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("path", [
    "/cable/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/cable/a%20b", "/cable/%22%3E%3Cimg%20src%3Dx%3E",
    "/cable/..%2F..%2Fetc%2Fpasswd", "/tag/%F0%9F%92%A3", "/cable/%00", "/person/%E2%80%AE", "/nothing/here",
    "/cable/" + "A" * 5000, "/cable/x%7D%20%3B%20DROP%20ALL%20%3B%20%23", "/favicon.ico",
])
def test_odd_paths_get_404_and_are_never_reflected_unescaped(web_site, path):
    before = triple_count(web_site)
    response = get(web_site.url + path)
    assert response.status_code == 404
    assert "<script>alert" not in response.text and "<img src=x>" not in response.text
    assert triple_count(web_site) == before


def test_cable_lookup_redirects_to_the_encoded_iri(web_site):
    response = get(web_site.url + "/cable?id=09usnato9001", redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/cable/09USNATO9001"
    hostile = get(web_site.url + "/cable?" + "id=" + quote('x" } ; DROP ALL ; #'), redirects=False)
    assert hostile.status_code == 303 and " " not in hostile.headers["location"]
    assert get(web_site.url + hostile.headers["location"]).status_code == 404
    assert get(web_site.url + "/cable?id=").status_code == 400


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=99999999999999999999", "page=1e9",
                                   "sort=%3Fcreated%7D%20DROP%20ALL", "sort=random", "order=sideways",
                                   "page=1%20OFFSET%200"])
def test_bad_paging_is_a_400_that_says_why(web_site, query):
    before = triple_count(web_site)
    response = get(f"{web_site.url}/tag/NATO?{query}")
    assert response.status_code == 400 and ("page" in response.text or "sort" in response.text
                                            or "order" in response.text)
    assert triple_count(web_site) == before


def test_a_page_past_the_end_is_empty_not_an_error(web_site):
    response = get(f"{web_site.url}/tag/NATO?page=100000")
    assert response.status_code == 200 and "No cables on this page" in response.text


# -- pages ----------------------------------------------------------------------------------------


def test_the_cable_page_reads_like_a_cable(web_site):
    html = get(web_site.url + "/cable/09USNATO9001").text
    assert 'class="banner confidential"' in html and ">CONFIDENTIAL<" in html
    assert "ALLIES DIVIDED OVER INVENTED &#34;NORTHERN LANTERN&#34; SEMINAR PROPOSAL" in html  # escaped
    for text in ("2009-09-10 16:27:00 UTC", "101627Z SEP 09", "Mission USNATO", "SECSTATE WASHDC", "RUEHC",
                 "North Atlantic Treaty Organization", "Harold T. Wexcombe", "1.4(b)", "2019-09-10", "¶4",
                 "(C)", "STATE 199001", "Declassify on", "Cited by"):
        assert text in html, text
    assert 'href="/cable/09STATE199001"' in html  # the reference links to the cited cable


def test_cable_tag_and_post_pages_link_out_to_wikidata(web_site):
    link = 'href="http://www.wikidata.org/entity/Q7184"'
    cable = get(web_site.url + "/cable/09USNATO9001").text
    assert "On Wikidata" in cable and link in cable.split('class="wikidata"')[1]
    for path in ("/tag/NATO", "/post/USNATO"):
        assert link in get(web_site.url + path).text, path


def test_cited_by_lists_the_citing_cables(web_site):
    html = get(web_site.url + "/cable/09STATE199001").text
    cited_by = html.split('id="cited-by"')[1]
    assert 'href="/cable/09USNATO9001"' in cited_by


def test_post_tag_person_and_concept_pages_list_their_cables_paged_and_sorted(web_site):
    tag = get(web_site.url + "/tag/NATO?sort=id&order=asc").text
    ids = re.findall(r'<td><a href="/cable/([^"]+)">', tag)
    assert ids == sorted(ids) and len(ids) == 5 and "5 cables" in tag
    descending = re.findall(r'<td><a href="/cable/([^"]+)">', get(web_site.url + "/tag/NATO?sort=id&order=desc").text)
    assert descending == sorted(ids, reverse=True)
    for path, cable in (("/post/USNATO", "09USNATO9001"), ("/person/harold-t-wexcombe", "09USNATO9001"),
                        ("/vocab/classification/CONFIDENTIAL", "09USNATO9001"),
                        ("/addressee/SECSTATE-WASHDC", "09USNATO9001")):
        response = get(web_site.url + path)
        assert response.status_code == 200 and f'href="/cable/{cable}"' in response.text, path


def test_browse_pages_count_every_cable(web_site):
    cables = int(select(web_site, "SELECT (COUNT(*) AS ?n) WHERE { ?c a <" + ONTOLOGY + "#Cable> }")[0]["n"])
    by_year = get(web_site.url + "/browse/date").text
    assert sum(int(n.replace(",", "")) for n in re.findall(r'<td class="n">([\d,]+)</td>', by_year)) == cables
    by_origin = get(web_site.url + "/browse/origin?sort=count").text
    assert 'href="/post/USNATO"' in by_origin
    assert "North Atlantic Treaty Organization" in get(web_site.url + "/browse/tag").text
    assert 'href="/vocab/classification/CONFIDENTIAL"' in get(web_site.url + "/browse/classification").text
    month = get(web_site.url + "/browse/date/2009/09")
    assert month.status_code == 200 and 'href="/cable/09USNATO9001"' in month.text
    assert get(web_site.url + "/browse/date/2009/13").status_code == 404
    assert get(web_site.url + "/browse").status_code == 200
    home = get(web_site.url + "/").text
    assert f"{cables} cables" in home


def test_ontology_page_has_an_anchor_per_term(web_site):
    html = get(web_site.url + "/ontology").text
    assert 'id="Cable"' in html and 'id="originPost"' in html


def test_security_headers_on_pages_and_data(web_site):
    for path, accept in (("/cable/09USNATO9001", None), ("/tag/NATO", "text/turtle"), ("/sparql?query=ASK{}", None)):
        headers = get(web_site.url + path, accept).headers
        assert headers["x-content-type-options"] == "nosniff" and "default-src 'self'" in headers[
            "content-security-policy"]


def test_pages_work_without_javascript(web_site):
    for path in ("/", "/cable/09USNATO9001", "/tag/NATO", "/browse/date", "/dumps/"):
        assert "<script" not in get(web_site.url + path).text, path


# -- SPARQL ---------------------------------------------------------------------------------------


def test_sparql_protocol_get_post_form_and_direct(web_site):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <" + ONTOLOGY + "#Cable> }"
    answers = [
        requests.get(web_site.url + "/sparql", params={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=30),
        requests.post(web_site.url + "/sparql", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=30),
        requests.post(web_site.url + "/sparql", data=query.encode(), timeout=30,
                      headers={"Accept": SPARQL_JSON, "Content-Type": "application/sparql-query"}),
        requests.post(web_site.url + "/query", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=30),
    ]
    counts = {int(answer.json()["results"]["bindings"][0]["n"]["value"]) for answer in answers}
    assert all(answer.status_code == 200 for answer in answers) and len(counts) == 1 and counts.pop() >= 10


def test_sparql_downloads_and_construct(web_site):
    query = "SELECT ?id WHERE { ?c <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id"
    csv = get(web_site.url + "/sparql?" + "format=csv&query=" + quote(query))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"] and csv.text.splitlines()[0] == "id"
    construct = get(web_site.url + "/sparql?query=" + quote("CONSTRUCT WHERE { ?s a ?o } LIMIT 3"), "text/turtle")
    assert construct.status_code == 200 and len(list(parse(construct.content, format=RdfFormat.TURTLE))) == 3


@pytest.mark.parametrize("attempt", [
    {"data": {"update": "DROP ALL"}},
    {"data": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"data": {"query": "DROP ALL"}},
    {"data": {"query": "PREFIX x: <http://x/>\n# comment\nINSERT DATA { x:a x:b x:c }"}},
    {"params": {"query": "CLEAR DEFAULT"}},
    {"params": {"update": "DELETE WHERE { ?s ?p ?o }"}},
])
def test_updates_are_refused_with_a_clear_message(web_site, attempt):
    before = triple_count(web_site)
    method = requests.get if "params" in attempt else requests.post
    response = method(web_site.url + "/sparql", timeout=30, **attempt)
    assert response.status_code == 403 and "read-only" in response.text
    assert triple_count(web_site) == before


def test_bad_sparql_is_a_400_with_the_store_message(web_site):
    assert get(web_site.url + "/sparql?query=SELEKT").status_code == 400
    assert get(web_site.url + "/sparql").status_code == 400
    assert get(web_site.url + "/sparql?query=ASK{}&query=ASK{}").status_code == 400
    assert get(web_site.url + "/sparql?format=pdf&query=ASK{}").status_code == 400


def test_query_page_offers_every_canned_query_and_shareable_links(web_site):
    from cablegraph.queries import canned_queries

    html = get(web_site.url + "/query").text
    for name in canned_queries():
        assert f'href="/query?canned={name}"' in html
    canned = get(web_site.url + "/query?canned=cables-by-tag").text
    assert "VALUES (?tag)" in canned and "/sparql?query=" in canned
    shared = get(web_site.url + "/query?query=" + quote("ASK { ?s ?p ?o }"), "text/html").text
    assert "ASK { ?s ?p ?o }" in shared
    program = get(web_site.url + "/query?query=" + quote("ASK { ?s ?p ?o }"), SPARQL_JSON)
    assert program.json()["boolean"] is True
    assert get(web_site.url + "/query?canned=nope").status_code == 404


# -- dumps and VoID -------------------------------------------------------------------------------


def test_dumps_are_listed_with_sizes_and_checksums_and_download_intact(web_site):
    html = get(web_site.url + "/dumps/").text
    sums = dict(line.split("  ")[::-1] for line in (web_site.data / "dumps" / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        size = (web_site.data / "dumps" / name).stat().st_size
        assert name in html and digest in html and f"{size:,}" in html
        download = get(f"{web_site.url}/dumps/{name}")
        assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == digest
        assert download.headers["content-type"] == "application/gzip"
    assert get(web_site.url + "/dumps", redirects=False).status_code == 301
    for bad in ("/dumps/nope.gz", "/dumps/..%2Fstore", "/dumps/%2E%2E", "/dumps/.hidden"):
        assert get(web_site.url + bad).status_code == 404, bad


def test_well_known_void_describes_the_dataset(web_site):
    response = get(web_site.url + "/.well-known/void", "text/turtle")
    triples = list(parse(response.content, format=RdfFormat.TURTLE))
    types = {t.object.value for t in triples if t.subject == NamedNode(web_site.base + "dataset")
             and t.predicate.value.endswith("#type")}
    assert {"http://rdfs.org/ns/void#Dataset", "http://www.w3.org/ns/dcat#Dataset"} <= types
    downloads = {t.object.value for t in triples if t.predicate.value == "http://www.w3.org/ns/dcat#downloadURL"}
    assert downloads and all(get(url).status_code == 200 for url in downloads)
    endpoint = next(t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"
                    and t.subject == NamedNode(web_site.base + "dataset"))  # not Wikidata's, in the linkset
    assert get(endpoint + "?query=ASK{}", SPARQL_JSON).json()["boolean"] is True
    assert get(web_site.url + "/.well-known/void").headers["content-type"].startswith("text/html")


def test_a_cited_but_unreleased_cable_resolves_to_what_cites_it(web_site):
    cited = select(web_site, "SELECT ?c WHERE { ?x <http://purl.org/dc/terms/references> ?c FILTER NOT EXISTS "
                             "{ ?c a <" + ONTOLOGY + "#Cable> } } ORDER BY ?c LIMIT 1")[0]["c"]
    page = get(cited)
    assert page.status_code == 200 and "not itself released" in page.text
    assert re.search(r'id="cited-by".*?href="/cable/\w+"', page.text, flags=re.S)
    triples = list(parse(get(cited, "text/turtle").content, format=RdfFormat.TURTLE))
    assert triples and all(t.object == NamedNode(cited) for t in triples)


def test_serve_refuses_a_missing_store_and_a_bad_base(tmp_path, web_site):
    import subprocess

    from websites import CABLEGRAPH

    missing = subprocess.run([str(CABLEGRAPH), "serve", "--data", str(tmp_path / "none")], capture_output=True,
                             text=True, timeout=60)
    assert missing.returncode == 2 and "cablegraph publish" in missing.stderr
    bad = subprocess.run([str(CABLEGRAPH), "serve", "--data", str(web_site.data), "--base", "ftp://x/"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--base" in bad.stderr


def test_stopping_serve_stops_its_oxigraph_too(tmp_path):
    """SIGTERM to `cablegraph serve` must not leave the stores' Oxigraph processes behind (uvicorn re-raises
    the signal after its shutdown; serve turns it into an orderly exit that stops them): two readers, the
    pages' one and the public /sparql one."""
    from importlib.resources import files
    from pathlib import Path

    from servers import free_port
    from websites import start_site, stop_site

    from cablegraph.store.publish import publish

    publish([str(files("cablegraph") / "fixtures" / "09USNATO9001.txt")], tmp_path, say=lambda _: None)
    process = start_site(tmp_path, free_port())
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    oxigraph = [pid for pid in children if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_text()]
    assert len(oxigraph) == 2
    stop_site(process)
    assert process.returncode == 0
    assert not [pid for pid in oxigraph if Path(f"/proc/{pid}").exists()], "oxigraph still runs after serve stopped"


def test_the_site_reads_its_own_base_though_the_void_describes_wikidata_too(web_site):
    """The dataset description also describes Wikidata (the target of the links) with Wikidata's uriSpace:
    the site must take the base of the dataset that uses our ontology, or every IRI would 404."""
    spaces = {row["space"] for row in select(web_site, "SELECT ?space WHERE { GRAPH ?g { "
                                                       "?d <http://rdfs.org/ns/void#uriSpace> ?space } }")}
    assert spaces == {web_site.base, "http://www.wikidata.org/entity/"}
    text = (Path(__file__).parent.parent / "queries" / "pages" / "site-facts.rq").read_text()
    assert [row["space"] for row in select(web_site, text)] == [web_site.base]


@pytest.mark.parametrize(("text", "body", "heading"), [
    ("The council met twice. ---------- Background ----------", "The council met twice.", "Background"),
    ("Ends here. ------- COMMENT -------", "Ends here.", "COMMENT"),
    ("No heading -- just a dash pair -- inside.", "No heading -- just a dash pair -- inside.", None),
    ("A rule only. ------------------------------", "A rule only. ------------------------------", None),
    ("", "", None),
])
def test_a_section_heading_glued_to_a_paragraph_is_set_apart(text, body, heading):
    """Fictional texts in the shape of the corpus's 763 heading lines (`----- Targeted Training -----`)."""
    from cablegraph.web.app import heading_apart

    assert heading_apart(text) == (body, heading)


@pytest.mark.corpus
def test_the_headings_of_a_real_cable_come_apart(corpus):
    """09CAIRO1114 has five section headings, each read by the parser as the end of the paragraph before it."""
    from cablegraph.parse import parse_cable
    from cablegraph.sources import iter_inputs
    from cablegraph.web.app import heading_apart

    record = parse_cable(next(iter_inputs([str(corpus / "cables" / "09CAIRO1114.txt")])))
    headings = [heading_apart(p["text"])[1] for p in record.to_dict()["paragraphs"]]
    assert [h for h in headings if h] == ["Comment", "Background", "Targeted Training",
                                         "Factory 200 and M1A1 Tanks", "Future Training"]


def test_a_cited_cable_says_how_often_near_the_top(web_site):
    html = get(web_site.base + "cable/09STATE199001", "text/html").text
    facts = html[html.index('<dl class="facts">'):html.index("</dl>")]
    assert '<dt>Cited by</dt><dd><a href="#cited-by">' in facts
    assert "Cited by (" in html
