"""Renderers: turn results into terminal output, JSON/YAML documents and Markdown."""
