"""Browsing the store in Datasette (the optional `[web]` extra).

Datasette's built-in `_search` quotes each word and hands it to FTS5, which matches
our bigram index only for 2-character Chinese words and Latin words. The canned query
below rebuilds our tokenisation in pure SQL (no plugin needed) for the common cases:
one Chinese string of any length without spaces or punctuation, or Latin words.
For the full query language use `scraper search` / `Store.search`.
"""

from __future__ import annotations

from typing import Any

SEARCH_SQL = """
WITH RECURSIVE
  q(s) AS (SELECT trim(:q)),
  pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos, q WHERE i < length(s) - 1),
  m(expr) AS (
    SELECT CASE
      WHEN length(s) = 1 THEN '"' || replace(s, '"', ' ') || '" *'
      WHEN s GLOB '*[A-Za-z0-9]*' THEN '"' || replace(s, '"', ' ') || '"'
      ELSE '"' || replace((SELECT group_concat(substr(s, i, 2), ' ') FROM pos), '"', ' ') || '"'
    END FROM q)
SELECT d.url, d.title, d.date, d.site, d.source,
  substr(replace(d.text, char(10), ' '), max(1, instr(d.text, trim(:q)) - 30), 120) AS snippet
FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid
WHERE documents_fts MATCH (SELECT expr FROM m)
ORDER BY documents_fts.rank, d.id
LIMIT 100
""".strip()


def datasette_metadata(db_name: str = "scraper") -> dict[str, Any]:
    """Metadata for `datasette DB -m metadata.json`: a `search` canned query, index hidden."""
    return {
        "databases": {
            db_name: {
                "tables": {"documents_fts": {"hidden": True}},
                "queries": {
                    "search": {
                        "title": "Search documents (Chinese or English)",
                        "description": (
                            "One Chinese string of any length (疫情, 疫情防控) or English words. "
                            "For AND/OR/phrases/filters use `scraper search`."
                        ),
                        "sql": SEARCH_SQL,
                    }
                },
            }
        }
    }
