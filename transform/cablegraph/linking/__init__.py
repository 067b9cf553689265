"""Links from the cable graph to Wikidata: offline tables first, recorded online answers when asked.

`tables` reads the bundled link tables (built by `scripts/build_links.py`), `linker` decides
what a tag, post or person links to and how the link was made, `wikidata` asks a Wikidata
SPARQL endpoint for what the tables lack (only with `cablegraph link --online`), and `report`
measures coverage.
"""
