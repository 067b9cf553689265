"""Running SPARQL queries against an endpoint with SPARQLWrapper, and printing their results."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from SPARQLWrapper import JSON, POST, SPARQLWrapper

from cablegraph.store.endpoint import USER_AGENT, Credentials


@dataclass(slots=True)
class Results:
    variables: list[str]
    rows: list[dict[str, dict[str, str]]]
    boolean: bool | None = None
    raw: dict | None = None


def run_query(endpoint_url: str, query: str, *, timeout: int = 120, credentials: Credentials | None = None) -> Results:
    """SELECT or ASK over HTTP POST (queries can be long), results as SPARQL JSON."""
    client = SPARQLWrapper(endpoint_url, agent=USER_AGENT)
    client.setQuery(query)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(timeout)
    if credentials:
        client.setHTTPAuth(credentials.scheme.upper())
        client.setCredentials(credentials.user, credentials.password)
    data = client.queryAndConvert()
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
