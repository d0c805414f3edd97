"""Dates as people write them in member files and sheets (the parser lives in the model, which reads them too)."""

from __future__ import annotations

from tusoi_cli.model.dates import parse_date as parse_date  # re-exported: the readers import it from here
