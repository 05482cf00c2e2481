"""Where page bytes come from: files, directories, stdin (files.py) and HTTP (http.py).

Every source yields `Fetched`, the one thing the rest of the pipeline consumes.
"""

from .files import files_in, is_url, read_file, read_stdin

__all__ = ["files_in", "is_url", "read_file", "read_stdin"]
