"""Publication targets: a CSV folder, a PostgreSQL schema, a Google Cloud Storage prefix."""
