"""A disk cache of the resolved bundled rubrics, so `tusoi score` does not re-validate three
unchanged YAML files on every run (about 20-30 ms of a ~200 ms run).

Only rubrics shipped inside the package are cached. The key covers the tusoi and pydantic versions,
the content of every bundled rubric file and the source of the code that resolves rubrics (loader,
models, this module), so an upgrade, an edit or a loader change simply misses. A cache file holds its
payload with the payload's own SHA-256: an edited or damaged file fails the check and is rebuilt.
The cache is plain JSON (never pickle), written atomically; any problem reading or writing it falls
back to resolving the YAML, silently. ``TUSOI_CACHE_DIR`` moves it, ``TUSOI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from tusoi_cli.model import (
    Cap,
    Item,
    ItemMapping,
    Level,
    Quota,
    RaterSlot,
    RatingRules,
    Rubric,
    RubricDocument,
    Scale,
    ScaleValue,
    Scoring,
    Section,
    VoteRule,
)


def _cache_dir() -> Path:
    explicit = os.environ.get("TUSOI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tusoi"


# The modules whose code decides what a resolved rubric is: a change to any of them misses the cache.
LOADER_MODULES = ("read.rubric_loader", "model", "read.rubric_cache", "read.yaml_reader", "model.values",
                 "model.previous")


def _code_files() -> list[Path]:
    package = __name__.split(".")[0]
    return [Path(str(importlib.import_module(f"{package}.{name}").__file__)) for name in LOADER_MODULES]


def cache_key(bundled_dir: Path, code_files: list[Path]) -> str:
    """A digest of the versions, every bundled rubric file's content and the loader's own code."""
    from pydantic import VERSION

    from tusoi_cli.version import __version__

    digest = hashlib.sha256(repr((__version__, VERSION, str(bundled_dir))).encode())
    for file in [*sorted(bundled_dir.glob("*.yaml")), *code_files]:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def cache_file(path: Path, bundled_dir: Path) -> Path | None:
    """Where the resolved form of bundled rubric ``path`` is cached, or None when it is not cached."""
    if os.environ.get("TUSOI_NO_CACHE") or path.parent != bundled_dir:
        return None
    try:
        key = cache_key(bundled_dir, _code_files())
    except OSError:
        return None
    return _cache_dir() / f"rubric-{path.stem}-{key}.json"


def _payload_digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load(file: Path) -> Rubric | None:
    """The cached rubric, or None when the file is missing, damaged or edited (its digest does not match)."""
    try:
        digest, _, payload = file.read_text(encoding="utf-8").partition("\n")
        if digest != _payload_digest(payload):
            return None
        return rubric_from_dict(json.loads(payload))
    except Exception:  # any damage means "not cached": the YAML is resolved again and the file rewritten
        return None


def store(file: Path, rubric: Rubric) -> None:
    payload = json.dumps(rubric.model_dump(mode="json"), ensure_ascii=False)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(f"{_payload_digest(payload)}\n{payload}")
            os.replace(temp, file)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
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
        **{key: _date(data[key]) for key in _DATES},
        "documents": [RubricDocument.model_construct(**{**d, **{key: _date(d[key]) for key in _DATES if key in d}})
                      for d in data["documents"]],
        "raters": [RaterSlot.model_construct(**slot) for slot in data["raters"]],
        "ratings": RatingRules.model_construct(**data["ratings"]), "vote": VoteRule.model_construct(**data["vote"]),
        "quota": Quota.model_construct(**data["quota"]) if data["quota"] else None,
        "maps_from": [ItemMapping.model_construct(**m) for m in data.get("maps_from", [])],
    })


_DATES = ("document_date", "effective_from", "effective_to")


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
