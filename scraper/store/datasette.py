"""What Datasette needs to know about a store: metadata, and how to tell a store.

The plugin (scraper/web/datasette_plugin.py, loaded by Datasette through its entry
point) applies this metadata to every store it serves and defines the SQL functions
`scraper_match(q)` and `scraper_snippet(text, q)` that the canned `search` query
calls: the store's own query parser, so the page finds what `scraper search` finds.
`scraper datasette-metadata` prints the same dict (for `datasette -m`, or to edit).
"""

from __future__ import annotations

from typing import Any

# Tables a person browsing the store has no use for: the search index (Datasette also
# hides its shadow tables, whose names start with it), near-duplicate keys, migrations.
HIDDEN_TABLES = ("documents_fts", "doc_lsh", "doc_minhash", "migrations")
STORE_TABLES = frozenset({"pages", "documents", "documents_fts", "migrations"})
TRUNCATE = 200  # characters of text shown per row in table views

SEARCH_SQL = """
SELECT d.url, d.title, d.date, d.site, d.source, d.page_type, scraper_snippet(d.text, :q) AS snippet
FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid
WHERE documents_fts MATCH scraper_match(:q)
ORDER BY documents_fts.rank, d.id
LIMIT 100
""".strip()


def is_store_schema(table_names: set[str]) -> bool:
    """Whether a database with these tables is a scraper store."""
    return STORE_TABLES <= set(table_names)


def datasette_metadata(db_name: str = "scraper") -> dict[str, Any]:
    """Datasette metadata for one store: the `search` canned query, facets on site, date,
    lang and page_type, newest first, internal tables hidden."""
    tables: dict[str, Any] = {name: {"hidden": True} for name in HIDDEN_TABLES}
    tables.update({
        "documents": {
            "description": "Clean text and metadata, one row per article. The search box finds Chinese "
                           "strings of any length and English words exactly as `scraper search` does "
                           "(\"a phrase\", OR, -exclude).",
            "sort_desc": "date",
            "facets": ["site", "lang", "page_type", "date"],
            "facet_size": 8,
            "label_column": "title",
        },
        "pages": {"sort_desc": "fetched_at", "facets": ["site", "kind", "status"]},
        "changes": {"sort_desc": "id", "facets": ["kind"]},
        "runs": {"sort_desc": "id"},
    })
    return {
        "databases": {
            db_name: {
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search documents (Chinese or English)",
                        "description": "Ranked like `scraper search`: 疫情, 疫情防控, 2024年, \"COVID 疫情\", "
                                       "疫情 OR 新冠, 疫情 -境外.",
                        "sql": SEARCH_SQL,
                    }
                },
            }
        }
    }
