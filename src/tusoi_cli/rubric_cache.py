"""A disk cache of the resolved bundled rubrics, so `tusoi score` does not re-validate three
unchanged YAML files on every run (about 20-30 ms of a ~200 ms run).

Only rubrics shipped inside the package are cached. The key covers the tusoi and pydantic versions
and the name, size and modification time of every bundled file, so an upgrade or an edit simply
misses. The cache is plain JSON (never pickle), written atomically; any problem reading or writing
it falls back to resolving the YAML, silently. ``TUSOI_CACHE_DIR`` moves it, ``TUSOI_NO_CACHE=1``
turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from .models import Cap, Item, Level, Rubric, Scale, ScaleValue, Scoring, Section


def _cache_dir() -> Path:
    explicit = os.environ.get("TUSOI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tusoi"


def cache_file(path: Path, bundled_dir: Path) -> Path | None:
    """Where the resolved form of bundled rubric ``path`` is cached, or None when it is not cached."""
    if os.environ.get("TUSOI_NO_CACHE") or path.parent != bundled_dir:
        return None
    from pydantic import VERSION

    from . import __version__

    try:
        stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(bundled_dir.glob("*.yaml"))]
    except OSError:
        return None
    key = hashlib.sha256(repr((__version__, VERSION, str(bundled_dir), stats)).encode()).hexdigest()[:20]
    return _cache_dir() / f"rubric-{path.stem}-{key}.json"


def load(file: Path) -> Rubric | None:
    try:
        return rubric_from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(file: Path, rubric: Rubric) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(rubric.model_dump(mode="json"), out, ensure_ascii=False)
        os.replace(temp, file)
    except OSError:
        return


def rubric_from_dict(data: dict[str, Any]) -> Rubric:
    """Rebuild a resolved rubric from its JSON dump without validating again (it was checked when made)."""
    scales = {
        sid: Scale.model_construct(**{**scale, "values": None if scale["values"] is None else
                                      [ScaleValue.model_construct(**v) for v in scale["values"]]})
        for sid, scale in data["scales"].items()
    }
    sections = [Section.model_construct(**{**s, "items": [Item.model_construct(**i) for i in s["items"]]})
                for s in data["sections"]]
    return Rubric.model_construct(**{
        **data, "scales": scales, "sections": sections, "scoring": Scoring.model_construct(**data["scoring"]),
        "levels": [Level.model_construct(**lv) for lv in data["levels"]],
        "caps": [Cap.model_construct(**c) for c in data["caps"]],
        "effective": date.fromisoformat(data["effective"]) if data["effective"] else None,
    })
