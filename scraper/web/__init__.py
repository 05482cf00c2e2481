"""Browsing the store on the web: the Datasette plugin (`pip install -e '.[web]'`; distribution scraper-sqlite).

Datasette finds `datasette_plugin` through the `datasette` entry point in
pyproject.toml; nothing here is imported by the rest of scraper.
"""
