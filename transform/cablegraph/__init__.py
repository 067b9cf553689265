"""cablegraph: diplomatic cables as linked data.

The data flow is kept visible in the package layout::

    sources  (files, folders, globs, .gz, cables.csv)  -> RawCable
    parse    (RawCable -> CableRecord)                  -> parse/
    rdf      (CableRecord -> quads under our ontology)  -> rdf/
    pipeline (streaming, parallel, quarantine)          -> pipeline.py
"""

__version__ = "0.1.0"
