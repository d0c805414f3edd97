"""The hostile-input corpus (tests/corpus/cases.yaml): every bad or odd input gives its exact outcome.

Each case runs the real command in a fresh process, with a time limit and (on Linux) an address-space
limit, so a crash, a hang or a memory blow-up fails the case instead of the test run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .. import corpus_output

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = CORPUS / "files"
# cases.yaml holds the input cases, cases-output.yaml those of writing outputs (issue 11)
CASES: list[dict[str, Any]] = [case for name in ("cases.yaml", "cases-output.yaml")
                               for case in yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))]
MEMORY_LIMIT = 1536 * 1024**2


# --------------------------------------------------------------------------- generators (big or per-run files)


def big_yaml(tmp: Path) -> Path:
    """50 MB: a real member file followed by comment lines."""
    path = tmp / "to.yaml"
    line = b"# " + "Nguyễn Văn An tự nhận còn nể nang khi góp ý. ".encode() * 2 + b"\n"
    with path.open("wb") as handle:
        handle.write((FILES / "yaml" / "bom-utf8.yaml").read_bytes())
        for _ in range(50 * 1024**2 // len(line) + 1):
            handle.write(line)
    return path


def _zip_with_sheet(path: Path, spaces: int) -> Path:
    """A valid .xlsx whose sheet1.xml holds ``spaces`` MiB of spaces, written without holding them in memory:
    self-contained deflate pieces (fresh compressor, full flush) concatenate into one valid stream."""
    source = FILES / "sheets" / "thuc-ra-la-xlsx.csv"  # a real .xlsx
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    head, tail = sheet.split(b"<sheetData>", 1)
    head += b"<sheetData>"

    def piece(data: bytes, final: bool) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    mib = b" " * 1024**2
    crc = zlib.crc32(head)
    for _ in range(spaces):
        crc = zlib.crc32(mib, crc)
    crc = zlib.crc32(tail, crc)
    body = piece(head, False) + piece(mib, False) * spaces + piece(tail, True)
    size = len(head) + spaces * 1024**2 + len(tail)
    entries = []
    with path.open("wb") as out:
        for name, data in parts.items():
            offset = out.tell()
            if name == "xl/worksheets/sheet1.xml":
                raw, entry_crc, entry_size = body, crc, size
            else:
                raw, entry_crc, entry_size = piece(data, True), zlib.crc32(data), len(data)
            encoded = name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, entry_crc, len(raw), entry_size,
                                  len(encoded), 0) + encoded + raw)
            entries.append((encoded, entry_crc, len(raw), entry_size, offset))
        start = out.tell()
        for encoded, entry_crc, packed, entry_size, offset in entries:
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, entry_crc, packed,
                                  entry_size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        end = out.tell()
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0))
    return path


def zip_bomb_huge(tmp: Path) -> Path:
    return _zip_with_sheet(tmp / "bom.xlsx", 1100)


def zip_bomb_ratio(tmp: Path) -> Path:
    return _zip_with_sheet(tmp / "bom-nho.xlsx", 50)


def csv_huge_cell(tmp: Path) -> Path:
    path = tmp / "o-dai.csv"
    header = "STT,Họ và tên,CT1,CT2,CT3"
    path.write_text(f"{header}\r\n1,Nguyễn Văn An,0,0,0\r\n2,\"{'x' * 300_000}\",0,0,0\r\n", encoding="utf-8")
    return path


def csv_too_many_rows(tmp: Path) -> Path:
    """1,048,577 member rows: more than a spreadsheet can hold (a member costs ~0.5 KB once read)."""
    path = tmp / "qua-nhieu-dong.csv"
    path.write_bytes(b"H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,CT1,CT2,CT3\n" + b"A,0,0,0\n" * 1_048_577)
    return path


def existing_output(tmp: Path) -> Path:
    path = tmp / "kq.csv"
    path.write_text("kết quả năm trước\n", encoding="utf-8")
    return path


def input_copy(tmp: Path) -> Path:
    return Path(shutil.copy(FILES / "sheets" / "thuc-ra-la-xlsx.csv", tmp / "chibo.xlsx"))


def input_hard_link(tmp: Path) -> Path:
    path = Path(shutil.copy(FILES / "yaml" / "bom-utf8.yaml", tmp / "dang-vien.yaml"))
    os.link(path, tmp / "lien-ket.yaml")
    return path


def parent_file(tmp: Path) -> Path:
    path = tmp / "ghi-chu.txt"
    path.write_text("một tệp, không phải thư mục\n", encoding="utf-8")
    return path


def fifo(tmp: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    path = tmp / "ong-dan"
    os.mkfifo(path)
    return path


def odd_folder(tmp: Path) -> Path:
    """A folder of member files holding .yaml entries that are not regular files (issue 11, point 4)."""
    folder = tmp / "chi-bo"
    folder.mkdir()
    shutil.copy(FILES / "yaml" / "bom-utf8.yaml", folder / "an.yaml")
    (folder / "mat.yaml").symlink_to("khong-co.yaml")
    (folder / "vong.yaml").symlink_to("vong.yaml")
    (folder / "thu-muc.yaml").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "ong.yaml")
    return folder


def duplicate_folder(tmp: Path) -> Path:
    """A folder where one member file was copied under another name."""
    folder = tmp / "chi-bo"
    folder.mkdir()
    shutil.copy(FILES / "yaml" / "bom-utf8.yaml", folder / "an.yaml")
    shutil.copy(FILES / "yaml" / "bom-utf8.yaml", folder / "an-ban-sao.yaml")
    return folder


def zero_link(tmp: Path) -> Path:
    """A member file that is a link to /dev/zero (an endless device)."""
    path = tmp / "so-khong.yaml"
    path.symlink_to("/dev/zero")
    return path


def zero_link_csv(tmp: Path) -> Path:
    path = tmp / "so-khong.csv"
    path.symlink_to("/dev/zero")
    return path


def _fifo_fed_by(tmp: Path, name: str, source: Path) -> Path:
    """A named pipe with a writer waiting to send ``source`` (it gives up after a minute)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    path = tmp / name
    os.mkfifo(path)
    subprocess.Popen(["timeout", "60", "sh", "-c", 'cat "$1" > "$2"', "sh", str(source), str(path)],
                     start_new_session=True)
    return path


def fifo_csv(tmp: Path) -> Path:
    return _fifo_fed_by(tmp, "ong.csv", FILES / "sheets" / "trung.csv")


def fifo_xlsx(tmp: Path) -> Path:
    return _fifo_fed_by(tmp, "ong.xlsx", FILES / "sheets" / "thuc-ra-la-xlsx.csv")  # a real .xlsx


def fifo_yaml(tmp: Path) -> Path:
    return _fifo_fed_by(tmp, "ong.yaml", FILES / "yaml" / "bom-utf8.yaml")


def fifo_rubric(tmp: Path) -> Path:
    return _fifo_fed_by(tmp, "bo-tieu-chi.yaml", FILES / "rubrics" / "huyen-them.yaml")


def csv_1gb(tmp: Path) -> Path:
    """A 1 GB CSV (sparse on disk): refused after reading 64 MB, never held whole."""
    path = tmp / "mot-gb.csv"
    with path.open("wb") as handle:
        handle.write("Họ và tên,CT1,CT2,CT3\nAn,0,0,0\n".encode())
        handle.truncate(1024**3)
    return path


def include_diamond(tmp: Path) -> Path:
    """Includes forming 16 stacked "diamonds" (each level includes two files that include the next):
    2^16 paths to the bottom, 49 files."""
    depth = 16
    (tmp / f"d{depth}.yaml").write_text("id: day\ninclude: [tusoi-mac-dinh]\n", encoding="utf-8")
    for level in range(depth - 1, -1, -1):
        for side in "ab":
            (tmp / f"d{level}{side}.yaml").write_text(f"id: d{level}{side}\ninclude: [d{level + 1}.yaml]\n",
                                                       encoding="utf-8")
        (tmp / f"d{level}.yaml").write_text(f"id: d{level}\ninclude: [d{level}a.yaml, d{level}b.yaml]\n",
                                            encoding="utf-8")
    return tmp / "d0.yaml"


def include_chain(tmp: Path) -> Path:
    """A chain of 1,000 rubric files, each including the next."""
    for number in range(1000):
        target = f"c{number + 1}.yaml" if number < 999 else "tusoi-mac-dinh"
        (tmp / f"c{number}.yaml").write_text(f"id: c{number}\ninclude: [{target}]\n", encoding="utf-8")
    return tmp / "c0.yaml"


def schema_fifo(tmp: Path) -> Path:
    """A named pipe where `template member` would put its schema (it used to hang reading it)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    path = tmp / "tusoi-mac-dinh.member.schema.json"
    os.mkfifo(path)
    return path


def member_rubric_is_a_member(tmp: Path) -> Path:
    """A member file whose bo_tieu_chi names another member file."""
    shutil.copy(FILES / "yaml" / "bom-utf8.yaml", tmp / "khac.yaml")
    path = tmp / "dang-vien.yaml"
    path.write_text("bo_tieu_chi: khac.yaml\n" + (FILES / "yaml" / "bom-utf8.yaml").read_text(encoding="utf-8-sig"),
                    encoding="utf-8")
    return path


GENERATORS: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    big_yaml, zip_bomb_huge, zip_bomb_ratio, csv_huge_cell, csv_too_many_rows, existing_output, input_copy,
    input_hard_link, parent_file, fifo, odd_folder, zero_link, zero_link_csv, fifo_csv, fifo_xlsx, fifo_yaml,
    fifo_rubric, csv_1gb, duplicate_folder, include_diamond, include_chain, schema_fifo, member_rubric_is_a_member)}
GENERATORS.update({f.__name__: f for f in corpus_output.GENERATORS})


# --------------------------------------------------------------------------- running a case


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else f"<{path.stat().st_mode:o}>"


def run_case(case: dict[str, Any], tmp: Path) -> tuple[subprocess.CompletedProcess[str], float, dict[str, str]]:
    generated = GENERATORS[case["generate"]](tmp) if "generate" in case else None

    def fill(text: str) -> str:
        return text.replace("{corpus}", str(FILES)).replace("{tmp}", str(tmp)).replace("{gen}", str(generated))

    unchanged = {fill(p): _digest(Path(fill(p))) for p in case.get("unchanged", [])}
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "RUST_BACKTRACE": "1"}
    start = time.perf_counter()
    stdin = Path(fill(case["stdin"])).read_text(encoding="utf-8") if "stdin" in case else None  # through a pipe
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", *map(fill, case["args"])], cwd=tmp, env=env,
                          input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=case["seconds"] * 3,
                          preexec_fn=_limit_memory if sys.platform == "linux" else None, check=False)
    elapsed = time.perf_counter() - start
    for path, digest in unchanged.items():
        assert _digest(Path(path)) == digest, f"{path} was changed"
    case["_fill"] = fill
    return done, elapsed, unchanged


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path) -> None:
    done, elapsed, _ = run_case(case, tmp_path)
    fill = case.pop("_fill")
    report = f"exit {done.returncode}\nstderr:\n{done.stderr}\nstdout:\n{done.stdout[-2000:]}"
    assert done.returncode == case["exit"], report
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, report
    assert "lỗi không mong đợi" not in done.stderr, report
    assert "panicked" not in done.stderr and "RUST_BACKTRACE" not in done.stderr, report
    for text in case.get("stderr", []):
        assert text in done.stderr, f"missing {text!r}\n{report}"
    for text in case.get("stdout", []):
        assert text in done.stdout, f"missing {text!r}\n{report}"
    for text in case.get("absent", []):  # cases-output.yaml: texts printed on neither stream
        assert text not in done.stdout and text not in done.stderr, f"{text!r} was printed\n{report}"
    if case["exit"] != 0:
        assert done.stderr.strip(), report
    if "output" in case:
        target, *texts = map(fill, case["output"])
        content = Path(target).read_text(encoding="utf-8")
        for text in texts:
            assert text in content, f"{text!r} not in {target}"
    if "max_stderr_lines" in case:  # each problem said once, not once per path that reaches it
        assert len(done.stderr.splitlines()) <= case["max_stderr_lines"], report
    if "no_output" in case:
        assert not Path(fill(case["no_output"])).exists()
    stray = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    assert stray == [], f"temporary files left behind: {stray}"
    assert elapsed < case["seconds"], f"took {elapsed:.1f} s (limit {case['seconds']} s)"


def test_every_committed_file_is_used_and_the_corpus_is_small() -> None:
    used = "\n".join(str(c["args"]) for c in CASES)
    files = [p for p in FILES.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 2 * 1024**2
    unused = [str(p.relative_to(FILES)) for p in files if str(p.relative_to(FILES)) not in used]
    assert unused == [], unused


def test_the_generated_zip_bomb_is_what_it_claims(tmp_path: Path) -> None:
    """The bomb is a valid zip: small on disk, over a gigabyte inside, with the right CRC (checked on a small one)."""
    small = _zip_with_sheet(tmp_path / "nho.xlsx", 3)
    with zipfile.ZipFile(small) as archive:
        assert archive.testzip() is None
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * 1024**2
    bomb = zip_bomb_huge(tmp_path)
    assert bomb.stat().st_size < 2 * 1024**2
    with zipfile.ZipFile(bomb) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 1024**3


# --------------------------------------------------------------------------- output safety, in process


def _report_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_full_disk_leaves_the_old_output_and_no_temporary_file(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC in the middle of a streamed write: the old report stays as it was, the half-written one goes."""
    import errno

    from tusoi_cli import output
    from tusoi_cli.errors import UsageError

    target = tmp_path / "kq.csv"
    target.write_bytes(b"old report\n")
    written: list[int] = []
    real_fdopen = os.fdopen

    class FullDisk:  # a file object whose third write fails
        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def write(self, chunk: bytes) -> int:
            written.append(len(chunk))
            if len(written) == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self.file.write(chunk))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

    monkeypatch.setattr(output.os, "fdopen", FullDisk)
    with pytest.raises(UsageError) as info:
        output.write_atomic(target, iter([b"a" * 1000, b"b" * 1000, b"c" * 1000, b"d"]))
    assert "ổ đĩa đã đầy" in str(info.value) and "không tệp nào bị thay đổi" in str(info.value)
    assert target.read_bytes() == b"old report\n"
    assert _report_files(tmp_path) == ["kq.csv"]


def test_full_disk_through_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tusoi batch -o kq.xlsx --force` on a full disk: exit 2, a clear message, the old report untouched."""
    import errno

    from typer.testing import CliRunner

    from tusoi_cli import output
    from tusoi_cli.cli import app

    target = tmp_path / "kq.xlsx"
    target.write_bytes(b"old report")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", no_space)
    result = CliRunner().invoke(app, ["batch", str(FILES / "sheets" / "thuc-ra-la-xlsx.csv"), "-o", str(target),
                                      "--force"])
    assert result.exit_code == 2, result.output
    assert "không ghi được" in result.stderr and "ổ đĩa đã đầy" in result.stderr
    assert target.read_bytes() == b"old report"
    assert _report_files(tmp_path) == ["kq.xlsx"]


def test_no_permission_to_create_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder refuses new files (simulated: root ignores permissions): a clear error, nothing changed."""
    import errno
    import tempfile

    from tusoi_cli import output
    from tusoi_cli.errors import UsageError

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(UsageError, match="không có quyền ghi vào thư mục này"):
        output.write_atomic(tmp_path / "kq.json", b"{}")
    assert _report_files(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root ignores directory permissions, so a read-only folder cannot be made here; "
                           "test_no_permission_to_create_the_temporary_file simulates it instead")
def test_read_only_folder(tmp_path: Path) -> None:  # pragma: no cover - runs for non-root users only
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    (folder / "kq.json").write_text("cũ", encoding="utf-8")
    folder.chmod(0o500)
    try:
        done = subprocess.run([sys.executable, "-m", "tusoi_cli", "score", str(FILES / "yaml" / "bom-utf8.yaml"),
                               "-f", "json", "-o", str(folder / "kq.json"), "--force"], capture_output=True, text=True,
                              encoding="utf-8", timeout=60, check=False)
        assert done.returncode == 2 and "không có quyền ghi" in done.stderr, done.stderr
        assert (folder / "kq.json").read_text(encoding="utf-8") == "cũ"
        assert _report_files(folder) == ["kq.json"]
    finally:
        folder.chmod(0o700)


# --------------------------------------------------------------------------- error cells, in process


def test_cached_formulas_are_not_error_cells() -> None:
    """A sheet full of formulas with calculated values (STT = row number, a total) reads as the values."""
    from tusoi_cli import load_rubric
    from tusoi_cli.api import read_batch
    from tusoi_cli.model.cells import BadCell
    from tusoi_cli.read.sheet.tables import read_tables

    rows = read_tables(FILES / "sheets" / "loi-cong-thuc.xlsx")[0].rows
    assert rows[3][4] == 2  # =1+1, calculated by LibreOffice
    assert [type(c).__name__ for r in rows for c in r if isinstance(c, BadCell)] == ["BadCell", "BadCell"]
    batch = read_batch(FILES / "sheets" / "loi-cong-thuc.xlsx", load_rubric())
    # the error cells keep their members, scored provisionally with the item invalid
    assert [m.ho_ten for m in batch.members] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert batch.failed_rows == [] and [m.invalid for m in batch.members] == [(), (0,), (1,)]
    assert [r.complete for r in batch.results] == [True, False, False]


def test_an_error_in_the_name_column_is_a_row_error_not_a_name(tmp_path: Path) -> None:
    from tusoi_cli import load_rubric
    from tusoi_cli.api import read_batch

    source = FILES / "sheets" / "thuc-ra-la-xlsx.csv"  # a real .xlsx: B5 is Trần Thị Bình
    target = tmp_path / "ten-loi.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = body.index(b'<c r="B5"')
                end = body.index(b"</c>", start) + 4
                body = body[:start] + b'<c r="B5" t="e"><f>VLOOKUP(A5,X!A:B,2,0)</f><v>#N/A</v></c>' + body[end:]
            dst.writestr(info, body)
    batch = read_batch(target, load_rubric())
    assert [m.ho_ten for m in batch.members] == ["Nguyễn Văn An", "Lê Văn Cường"]
    assert batch.failed_rows == [5]
    assert [str(p).split(": ", 1)[1] for p in batch.problems] == [
        "cột B (Họ và tên): ô bị lỗi công thức #N/A — sửa công thức cho ra một giá trị, hoặc gõ thẳng giá trị vào ô"]
