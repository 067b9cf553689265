"""Running SPARQL queries against an endpoint over the SPARQL 1.1 Protocol, and printing their results.

Plain HTTP (requests), not SPARQLWrapper: SPARQLWrapper guesses a query's form by searching its text for
the first keyword, so a query whose comment or words hold "nuclear" was sent as a CLEAR update ("nuCLEAR")
and refused by the store. Every query here is a query (SELECT or ASK) and is POSTed as one.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import requests

from cablegraph.store.endpoint import USER_AGENT, Credentials


class QueryFailed(RuntimeError):
    """The endpoint did not answer the query; the message carries its status and the start of its answer."""


@dataclass(slots=True)
class Results:
    variables: list[str]
    rows: list[dict[str, dict[str, str]]]
    boolean: bool | None = None
    raw: dict | None = None


def run_query(endpoint_url: str, query: str, *, timeout: int = 120, credentials: Credentials | None = None) -> Results:
    """SELECT or ASK over HTTP POST (queries can be long), results as SPARQL JSON."""
    try:
        response = requests.post(endpoint_url, data={"query": query}, timeout=timeout,
                                 headers={"Accept": "application/sparql-results+json", "User-Agent": USER_AGENT},
                                 auth=credentials.auth() if credentials else None)
    except requests.RequestException as error:
        raise QueryFailed(f"no answer from {endpoint_url} ({type(error).__name__}: {error})") from None
    if response.status_code != 200:
        raise QueryFailed(f"{endpoint_url} answered {response.status_code}: {response.text[:500].strip()}")
    try:
        data = response.json()
    except ValueError:
        raise QueryFailed(f"{endpoint_url} answered with no SPARQL JSON results: {response.text[:200]!r}") from None
    if "boolean" in data:
        return Results([], [], bool(data["boolean"]), data)
    return Results(data["head"]["vars"], data["results"]["bindings"], None, data)


def format_results(results: Results, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(results.raw, indent=2, ensure_ascii=False)
    if results.boolean is not None:
        return "true" if results.boolean else "false"
    values = [[row[var]["value"] if var in row else "" for var in results.variables] for row in results.rows]
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(results.variables)
        writer.writerows(values)
        return buffer.getvalue().rstrip("\n")
    return _table(results.variables, values)


def _table(header: list[str], rows: list[list[str]], width: int = 60) -> str:
    cells = [[(value if len(value) <= width else value[: width - 1] + "…").replace("\n", " ") for value in row]
             for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(header)]
    line = "  ".join(name.ljust(w) for name, w in zip(header, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(value.ljust(w) for value, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join([line, rule, *body, f"({len(rows)} rows)"])
