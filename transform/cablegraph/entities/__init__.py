"""Reconciliation: one key per real person, post and address, whatever spelling a cable used.

The step between the record and the triples (text -> record -> entities -> triples): `names` reads
a written name, `people` resolves it by post and year against the people table, `posts` gives the
station code of a post, `addressees` the key of an address.
"""
