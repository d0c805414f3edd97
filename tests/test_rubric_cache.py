"""The disk cache of bundled rubrics gives exactly the rubric the YAML gives, and misses when files change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tusoi_cli import rubric_cache
from tusoi_cli.rubric_loader import BUNDLED_DIR, bundled_ids, load_rubric_file
from tusoi_cli.scoring import score_member

from .conftest import EXAMPLES


@pytest.mark.parametrize("rubric_id", bundled_ids())
def test_cached_rubric_equals_the_resolved_one(rubric_id: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSOI_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TUSOI_NO_CACHE", raising=False)
    path = (BUNDLED_DIR / f"{rubric_id}.yaml").resolve()
    fresh = load_rubric_file(path, rubric_id)
    file = rubric_cache.cache_file(path, BUNDLED_DIR.resolve())
    assert file is not None and file.parent == tmp_path
    rubric_cache.store(file, fresh)
    cached = rubric_cache.load(file)
    assert cached is not None
    assert cached.model_dump() == fresh.model_dump()
    if fresh.levels:
        from tusoi_cli.member_reader import read_member

        member = read_member(EXAMPLES / "04-pham-minh-duc.yaml", rubric=cached).evaluation
        assert score_member(cached, member).model_dump() == score_member(fresh, member).model_dump()


def test_key_changes_when_a_bundled_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSOI_CACHE_DIR", str(tmp_path / "cache"))
    bundled = tmp_path / "rubrics"
    bundled.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (bundled / name).write_text("id: x\n", encoding="utf-8")
    before = rubric_cache.cache_file(bundled / "a.yaml", bundled)
    (bundled / "b.yaml").write_text("id: x\ntitle: khác\n", encoding="utf-8")
    os.utime(bundled / "b.yaml", ns=(1, 1))
    assert rubric_cache.cache_file(bundled / "a.yaml", bundled) != before
    assert rubric_cache.cache_file(tmp_path / "elsewhere.yaml", bundled) is None  # only bundled rubrics
    monkeypatch.setenv("TUSOI_NO_CACHE", "1")
    assert rubric_cache.cache_file(bundled / "a.yaml", bundled) is None


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    damaged = tmp_path / "rubric.json"
    damaged.write_text('{"id": "x"', encoding="utf-8")
    assert rubric_cache.load(damaged) is None
