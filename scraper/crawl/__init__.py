"""Crawl building blocks (fetcher, robots, config, URLs, discovery, dedup, lock).

Deliberately imports nothing: `scraper.fetch` imports `scraper.crawl.decompress`,
so pulling the fetcher in here would make an import cycle. See README.md.
"""
