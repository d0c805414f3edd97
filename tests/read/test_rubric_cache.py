"""The disk cache of bundled rubrics gives exactly the rubric the YAML gives, and misses when files change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tusoi_cli.engine.scoring import score_member
from tusoi_cli.read import rubric_cache
from tusoi_cli.read.rubric_loader import BUNDLED_DIR, bundled_ids, load_rubric_file

from ..conftest import EXAMPLES


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
        from tusoi_cli.read.member_reader import read_member

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


def test_key_changes_when_the_loader_code_changes(tmp_path: Path) -> None:
    bundled = tmp_path / "rubrics"
    bundled.mkdir()
    (bundled / "a.yaml").write_text("id: x\n", encoding="utf-8")
    loader = tmp_path / "rubric_loader.py"
    loader.write_text("WEIGHT_FROM_SECTION = True\n", encoding="utf-8")
    before = rubric_cache.cache_key(bundled, [loader])
    loader.write_text("WEIGHT_FROM_SECTION = False\n", encoding="utf-8")
    assert rubric_cache.cache_key(bundled, [loader]) != before
    # the real key covers the real loader modules
    names = {f"{p.parent.name}/{p.name}" for p in rubric_cache._code_files()}
    assert {"read/rubric_loader.py", "model/__init__.py", "model/values.py", "read/rubric_cache.py"} <= names


def _cached_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fill a fresh cache the way a run does, and return the default rubric's cache file."""
    import subprocess
    import sys

    monkeypatch.setenv("TUSOI_CACHE_DIR", str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "score", str(EXAMPLES / "02-nguyen-van-an.yaml"),
                           "-f", "json"], capture_output=True, text=True, env=os.environ.copy(), timeout=60)
    assert done.returncode == 0, done.stderr
    files = list((tmp_path / "cache").glob("rubric-tusoi-mac-dinh-*.json"))
    assert len(files) == 1
    return files[0]


def _score_of_an(tmp_path: Path) -> float:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "score", str(EXAMPLES / "02-nguyen-van-an.yaml"),
                           "-f", "json"], capture_output=True, text=True, env=os.environ.copy(), timeout=60)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    member = data[0] if isinstance(data, list) else data
    return float(member["score"])


def test_an_edited_cache_file_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = _cached_default(tmp_path, monkeypatch)
    honest = _score_of_an(tmp_path)
    assert honest == 92  # 100 - CT3 mức 2 (2×2) - CT5 mức 1 (2) - DL5 mức 1 (2)
    # someone sets every weight to 0 inside the cached JSON, keeping the file well-formed
    digest, _, payload = file.read_text(encoding="utf-8").partition("\n")
    forged = payload.replace('"weight": 2.0', '"weight": 0.0').replace('"weight": 3.0', '"weight": 0.0')
    assert forged != payload
    file.write_text(f"{digest}\n{forged}", encoding="utf-8")
    assert _score_of_an(tmp_path) == honest
    assert file.read_text(encoding="utf-8").partition("\n")[2] == payload  # rebuilt


@pytest.mark.parametrize("damage", ["", "xx\n{}", "garbage without newline", "\x00\x01"])
def test_a_corrupted_cache_file_is_rebuilt(damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = _cached_default(tmp_path, monkeypatch)
    honest = _score_of_an(tmp_path)
    file.write_text(damage, encoding="utf-8")
    assert _score_of_an(tmp_path) == honest
    assert rubric_cache.load(file) is not None


def test_a_well_signed_but_wrong_payload_is_ignored(tmp_path: Path) -> None:
    file = tmp_path / "rubric.json"
    payload = '{"id": "x", "scales": 3}'
    file.write_text(f"{rubric_cache._payload_digest(payload)}\n{payload}", encoding="utf-8")
    assert rubric_cache.load(file) is None
