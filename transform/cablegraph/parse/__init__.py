"""Cable text -> CableRecord.

One module per part of the telegram, each a small set of pure functions over text:
`ids` (reference ids), `header` (VZCZC/DE/precedence/FM-TO-INFO), `banner` (the
classification line, sections, handling caveats), `references` (the REF block), `tags`,
`authority` (E.O., Classified By, declassification), `body` (paragraphs, signer, summary,
comment, action request) and `cable`, which assembles the record.
"""

from cablegraph.parse.cable import parse_cable, parse_text

__all__ = ["parse_cable", "parse_text"]
