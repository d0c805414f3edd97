"""Renderers: models to terminal output, JSON/YAML documents, CSV, Markdown, JSON Schemas, YAML templates
and (in :mod:`tusoi_cli.render.excel`) workbooks. They depend on the models only: what they need that must
be computed (a batch's counts) is passed in."""
