"""kb: check, link and index a claims knowledge base kept as Markdown in git."""

__version__ = "0.1.0"
