"""Full-text search over a release: the index built by publish and the queries that read it."""
