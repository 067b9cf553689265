"""The public /sparql endpoint as an outsider would try it (issue 14): what is a query, what is refused.

Against the real site (`cablegraph serve` in front of a real read-only Oxigraph, on loopback). A SERVICE
aimed at another address than loopback is tested on the decision (querycheck.judge), never by letting a
request leave the machine; aimed at loopback, a real local server counts that no request reached it.
"""

from __future__ import annotations

import http.server
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import requests

from cablegraph.queries import canned_queries
from cablegraph.web.querycheck import MAX_PARSED_BYTES, judge

JSON = "application/sparql-results+json"
TIMEOUT = 30  # a bound on an answer, not a speed claim: a frozen site would not answer at all


def post(site, query: str, **headers: str) -> requests.Response:
    return requests.post(site.url + "/sparql", data={"query": query}, headers={"Accept": JSON, **headers},
                         timeout=TIMEOUT)


# -- every query a user is offered goes through -----------------------------------------------------

def test_queries_judged_at_once_in_many_threads_are_all_read() -> None:
    """rdflib's SPARQL grammar is not thread-safe: judged concurrently in worker threads, as the endpoint does
    off its event loop, parses failed with "Param.postParse2() missing 1 required positional argument" and the
    queries got 500. Parses take turns now; every one of 400 concurrent judgements is read."""
    queries = [f"SELECT ?s WHERE {{ ?s ?p {n} }} LIMIT {n + 1}" for n in range(200)]
    queries += [f"PREFIX ex: <http://example.org/> ASK {{ ex:a{n} ?p ?o }}" for n in range(200)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(judge, queries))
    assert [v.status for v in verdicts] == [200] * 400
    assert {v.form for v in verdicts} == {"SelectQuery", "AskQuery"}


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_runs_through_sparql_the_editor_and_the_csv_link(web_site, name: str) -> None:
    text = canned_queries()[name].bind()
    federated = "SERVICE" in text.upper() and "wikidata" in text
    answers = [
        requests.get(web_site.url + "/sparql", params={"query": text}, headers={"Accept": JSON}, timeout=TIMEOUT),
        post(web_site, text),  # the editor's form
        requests.get(web_site.url + "/sparql", params={"query": text, "format": "csv"}, timeout=TIMEOUT),
        requests.post(web_site.url + "/query", data={"query": text}, headers={"Accept": JSON}, timeout=TIMEOUT),
    ]
    for answer in answers:
        if federated:  # reaches Wikidata: refused unless the operator allows it (serve --allow-service)
            assert answer.status_code == 403 and "SERVICE is refused" in answer.text
        else:
            assert answer.status_code == 200, (name, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("query", [
    "# start with this\nSELECT * { ?s ?p ?o } LIMIT 1",
    "# add, load, copy, move, drop: words in a comment\nASK { ?s ?p ?o }",
    'SELECT ?x { BIND ("INSERT DATA { <a> <b> <c> }" AS ?x) }',
    "PREFIX with: <http://example.org/with#>\nSELECT ?load { ?load with:add ?copy } LIMIT 1",
])
def test_queries_with_update_words_in_comments_strings_and_names_are_queries(web_site, query: str) -> None:
    answer = post(web_site, query)
    assert answer.status_code == 200, answer.text


# -- what is refused, and why -----------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "DROP ALL", "# a comment first\nCLEAR DEFAULT", "PREFIX a: <http://a/>\nINSERT DATA { a:a a:b a:c }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "LOAD <http://127.0.0.1:9/data.ttl>",
    "DELETE WHERE { ?s ?p ?o }", "ADD DEFAULT TO <http://g>",
])
def test_updates_sent_as_queries_are_refused(web_site, query: str) -> None:
    answer = post(web_site, query)
    assert answer.status_code == 403 and "read-only" in answer.text


def test_text_that_is_no_query_gets_the_parsers_message(web_site) -> None:
    answer = post(web_site, "SELEKT * { ?s ?p ?o }")
    assert answer.status_code == 400 and "line 1, column" in answer.text


class _Counting(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


def test_service_to_another_local_server_is_refused_and_never_reaches_it(web_site) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        for query in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                      f"PREFIX x: <http://127.0.0.1:{server.server_address[1]}/>\n"
                      "SELECT * WHERE { OPTIONAL { SERVICE SILENT x:sparql { ?s ?p ?o } } }"):
            answer = post(web_site, query)
            assert answer.status_code == 403 and "SERVICE is refused" in answer.text
        assert _Counting.hits == 0
    finally:
        server.shutdown()


@pytest.mark.parametrize("iri", ["http://10.0.0.1/sparql", "http://192.168.1.20:8890/sparql",
                                 "http://169.254.169.254/latest/meta-data/", "https://query.wikidata.org/sparql",
                                 "http://[::1]:7878/sparql", "http://localhost:8890/sparql"])
def test_service_anywhere_is_refused_on_the_decision(iri: str) -> None:
    """Decided on the parsed query; no request is ever made (addresses off this machine are never contacted)."""
    verdict = judge(f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}")
    assert verdict.status == 403 and verdict.services == (iri,)
    assert judge(f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}", allowed_services=[iri]).ok
    assert judge("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", allowed_services=[iri]).status == 403


def test_hostile_text_is_answered_at_once_while_pages_stay_served(web_site) -> None:
    """The old update check backtracked exponentially on spaces (26 spaces: 8.7 s, the site frozen)."""
    hostile = [" " * n + "SELECT" for n in (26, 40, 5000)] + ["SELECT * WHERE " + "{" * 5000 + "}" * 5000,
                                                               "(" * 10000]
    with ThreadPoolExecutor(max_workers=len(hostile) + 1) as pool:
        attacks = [pool.submit(requests.get, web_site.url + "/sparql", params={"query": text}, timeout=TIMEOUT)
                   for text in hostile]
        page = pool.submit(requests.get, web_site.url + "/cable/09USNATO9001", timeout=TIMEOUT)
        assert page.result().status_code == 200
        assert [attack.result().status_code for attack in attacks] == [400] * len(hostile)


def test_a_query_longer_than_the_parser_takes_is_refused_before_parsing(web_site) -> None:
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_PARSED_BYTES
    answer = requests.post(web_site.url + "/sparql", data=long.encode(), timeout=TIMEOUT,
                           headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    assert answer.status_code == 413


# -- dataset semantics and openness ------------------------------------------------------------------

def _count(web_site, query: str, **params: str) -> int:
    answer = requests.get(web_site.url + "/sparql", params={"query": query, **params}, headers={"Accept": JSON},
                          timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_from_names_the_default_graph(web_site) -> None:
    graph = f"{web_site.base}graph/cable/09USNATO9001"
    everything = _count(web_site, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    by_from = _count(web_site, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    by_protocol = _count(web_site, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": graph})
    assert 0 < by_from == by_protocol < everything
    named = _count(web_site, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert named == by_from


def test_cors_lets_other_sites_query_and_read(web_site) -> None:
    preflight = requests.options(web_site.url + "/sparql", timeout=TIMEOUT, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] in ("*", "https://example.org")
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    query = requests.get(web_site.url + "/sparql?query=" + quote("ASK {}"), timeout=TIMEOUT,
                         headers={"Origin": "https://example.org", "Accept": JSON})
    assert query.headers["Access-Control-Allow-Origin"] == "*"
    rdf = requests.get(web_site.url + "/cable/09USNATO9001", timeout=TIMEOUT,
                       headers={"Origin": "https://example.org", "Accept": "text/turtle"})
    assert rdf.status_code == 200 and rdf.headers["Access-Control-Allow-Origin"] == "*"


# -- limits -----------------------------------------------------------------------------------------

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^10 rows on the sample


@pytest.fixture(scope="module")
def tight_site(web_site):
    """The same published data served again with tight limits: 3 s per query, one query at a time, answers of
    64 KB at most."""
    from servers import free_port
    from websites import Site, start_site, stop_site

    port = free_port()
    process = start_site(web_site.data, port,
                         extra=("--query-timeout", "3", "--max-queries", "1", "--max-result-mb", "0.0625"))
    try:
        yield Site(f"http://127.0.0.1:{port}", web_site.data)
    finally:
        stop_site(process)


def _public_store_pids(data) -> set[int]:
    """The pids of the Oxigraph readers serving `data` with the tight limit (the public store of tight_site)."""
    from pathlib import Path

    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            # serve opens the release DATA/store leads to (DATA/current -> releases/<id>), resolved once at start
            store = str((data / "store").resolve()).encode()
            if b"serve-read-only" in command and store in command and b"3" in command:
                found.add(int(entry.name))
    return found


def test_a_runaway_query_is_stopped_and_others_wait_or_are_told_to_come_back(tight_site) -> None:
    """A cross product ordered by a string outlives its 3 s: 504, and the public store that computed it is
    replaced (Oxigraph's own timeout would let it compute on). While it runs, the one slot is taken: a
    second query waits 2 s, then gets 503 with Retry-After. Pages are served all along."""
    runaway = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) < STR(?f)) } ORDER BY ?f LIMIT 1"
    before = _public_store_pids(tight_site.data)
    with ThreadPoolExecutor(max_workers=3) as pool:
        first = pool.submit(requests.get, tight_site.url + "/sparql", params={"query": runaway}, timeout=60)
        threading.Event().wait(0.5)
        second = pool.submit(requests.get, tight_site.url + "/sparql", params={"query": "ASK {}"}, timeout=60)
        page = pool.submit(requests.get, tight_site.url + "/cable/09USNATO9001", timeout=60)
        assert page.result().status_code == 200
        busy = second.result()
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        stopped = first.result()
        assert stopped.status_code == 504 and "stopped" in stopped.text
    deadline = threading.Event()
    for _ in range(60):  # the public store comes back: a new process, the runaway one gone
        answer = requests.get(tight_site.url + "/sparql", params={"query": "ASK {}"}, timeout=60)
        if answer.status_code == 200:
            break
        deadline.wait(0.5)
    assert answer.status_code == 200
    assert before and not (before & _public_store_pids(tight_site.data))


def test_a_body_longer_than_allowed_is_refused_from_its_length(web_site) -> None:
    body = b"query=" + b"x" * (2 << 20)
    answer = requests.post(web_site.url + "/sparql", data=body, timeout=TIMEOUT,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413


@pytest.mark.parametrize(("host", "read_write", "refused", "says"), [
    ("127.0.0.1", False, False, ""), ("localhost", True, False, ""), ("::1", True, False, ""),
    ("0.0.0.0", False, False, "every network interface"), ("192.0.2.7", False, False, "192.0.2.7"),
    ("0.0.0.0", True, True, "loopback only"), ("example.org", True, True, "loopback only"),
])
def test_what_serve_exposes_is_decided_before_binding(host: str, read_write: bool, refused: bool,
                                                      says: str) -> None:
    from cablegraph.web.exposure import exposure

    decision = exposure(host, read_write)
    assert decision.refused is refused and says in decision.message


def test_a_long_address_or_large_headers_get_codes_a_client_can_act_on(web_site) -> None:
    """Not a connection reset: 414 and 431 with a message; beyond what the HTTP parser reads (1 MiB), its own
    400 and a closed connection, and the site goes on serving."""
    from cablegraph.web.sizes import MAX_HEAD_BYTES

    long_target = requests.get(web_site.url + "/sparql", params={"query": "ASK {} #" + "x" * 100_000},
                               timeout=TIMEOUT)
    assert long_target.status_code == 414 and "POST" in long_target.text
    large_headers = requests.get(web_site.url + "/cable/09USNATO9001", headers={"X-Padding": "y" * 160_000},
                                 timeout=TIMEOUT)
    assert large_headers.status_code == 431
    try:  # beyond what the HTTP parser reads: uvicorn answers 400 and closes, maybe before the client is done
        beyond = requests.get(web_site.url + "/sparql", params={"query": "ASK {} #" + "x" * (2 * MAX_HEAD_BYTES)},
                              timeout=TIMEOUT).status_code
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        beyond = "closed"
    assert beyond in (400, "closed")
    assert requests.get(web_site.url + "/cable/09USNATO9001", timeout=TIMEOUT).status_code == 200



def _readers(parent: int) -> dict[int, list[bytes]]:
    """The Oxigraph readers a `cablegraph serve` process started: pid -> command line."""
    from pathlib import Path

    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent and b"serve-read-only" in command:
                found[int(entry.name)] = command
    return found


def _threads(pid: int) -> int:
    from pathlib import Path

    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))


@pytest.fixture(scope="module")
def paced_site(web_site):
    """The same published data served again, starting at most 5 public queries a second; with its pid."""
    from servers import free_port
    from websites import Site, start_site, stop_site

    port = free_port()
    process = start_site(web_site.data, port, extra=("--queries-per-second", "5"))
    try:
        yield Site(f"http://127.0.0.1:{port}", web_site.data), process.pid
    finally:
        stop_site(process)


def test_a_crawler_does_not_exhaust_the_pages_store(paced_site) -> None:
    """Oxigraph keeps a thread per query until its --timeout-s has passed; the pages' reader ran with 600 s and
    a crawl of the corpus site took it to 16,364 threads and "Resource temporarily unavailable" on every page.
    It runs without a server timeout now: 200 pages (several queries each) leave its threads where they were."""
    site, pid = paced_site
    (pages,) = [reader for reader, command in _readers(pid).items() if b"--timeout-s" not in command]
    before = _threads(pages)
    with requests.Session() as session:
        for n in range(200):
            path = ("/cable/09USNATO9001", "/post/USNATO", "/tag/NATO", "/person/harold-t-wexcombe")[n % 4]
            answer = session.get(site.url + path, headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
            assert answer.status_code == 200
    assert _threads(pages) < before + 50


def test_a_burst_of_quick_queries_is_paced_and_the_rest_told_to_come_back(paced_site) -> None:
    """Unpaced, fast queries each leave a thread in the public reader for its whole timeout (ASK {} at
    ~1,600/s would hold ~48,000 at 30 s). Paced at 5/s with a 2 s queue, a burst of 80 gets a dozen answers
    and 503s with Retry-After for the rest, and the reader's threads stay within rate x timeout."""
    site, pid = paced_site
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda _: requests.get(site.url + "/sparql", params={"query": "ASK {}"},
                                                       timeout=TIMEOUT), range(80)))
    answered = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 503]
    assert len(answered) + len(refused) == 80, sorted({(a.status_code, a.text[:80]) for a in answers})
    assert 5 <= len(answered) <= 20 and len(refused) >= 60
    assert all(a.headers["Retry-After"] == "2" and "at most 5 queries a second" in a.text for a in refused)
    (public,) = [reader for reader, command in _readers(pid).items() if b"--timeout-s" in command]
    assert _threads(public) <= 5 * 30 + 20
    assert requests.get(site.url + "/cable/09USNATO9001", timeout=TIMEOUT).status_code == 200


def test_an_answer_larger_than_the_limit_is_refused_with_a_message_not_cut_off(tight_site) -> None:
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"  # the sample: ~6,000 triples, > 64 KB
    refused = requests.get(tight_site.url + "/sparql", params={"query": everything},
                           headers={"Accept": "application/n-triples"}, timeout=60)
    assert refused.status_code == 507
    assert "LIMIT" in refused.text and "/dumps/" in refused.text
    small = requests.get(tight_site.url + "/sparql", params={"query": everything + " LIMIT 50"},
                         headers={"Accept": "application/n-triples"}, timeout=60)
    assert small.status_code == 200
    assert len(small.text.strip().splitlines()) == 50
    assert "content-length" in small.headers  # sent whole, not a stream that could break off
