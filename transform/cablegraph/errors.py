"""The one exception type the parser raises, so callers can quarantine instead of crash."""

from __future__ import annotations


class CableParseError(ValueError):
    """A cable could not be turned into a record.

    `source` names the file (and row or member) the text came from and `reason` says what
    was wrong in words a person can act on. The pipeline catches exactly this type and
    writes it to the quarantine report; anything else escaping the parser is a bug.
    """

    def __init__(self, reason: str, source: str | None = None, reference_id: str | None = None):
        self.reason = reason
        self.source = source
        self.reference_id = reference_id
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{reason}")
