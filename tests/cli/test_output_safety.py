"""Writing outputs when things go wrong (issue 11): signals, races, closed or full streams, file modes, and
text that would act on a terminal, a document or a spreadsheet.

The cases that fit one command line are in tests/corpus/cases-output.yaml; these need timing, signals,
closed descriptors or file modes, and run ``python -m tusoi_cli`` in a fresh process each. The last part
holds the property tests of the printing and CSV/Markdown layers.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FILES = Path(__file__).resolve().parents[1] / "corpus" / "files"
AN = FILES / "yaml" / "bom-utf8.yaml"
SHEET = FILES / "sheets" / "thuc-ra-la-xlsx.csv"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
ITEMS = ([f"CT{i}" for i in range(1, 10)] + [f"DL{i}" for i in range(1, 10)]
         + [f"DB{i}" for i in range(1, 10)] + [f"D{i}" for i in range(1, 20)])
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc, signals and /dev/full")


def tusoi(*args: str | Path, **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tusoi_cli", *map(str, args)], env=ENV, text=True,
                            encoding="utf-8", **options)  # type: ignore[call-overload, no-any-return]


def run(*args: str | Path, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tusoi_cli", *map(str, args)], env=ENV, cwd=cwd, text=True,
                          encoding="utf-8", capture_output=True, timeout=timeout, check=False)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".tusoi-"))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str, limit: float = 120) -> None:
    """Poll until ``condition`` holds; fail (not pass) if the process ends first."""
    end = time.monotonic() + limit
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"tusoi ended (exit {process.returncode}) before {what}")
        if time.monotonic() > end:
            process.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def handles_sigterm(pid: int) -> bool:
    """True once the process catches SIGTERM (its command is running inside the CLI's guard)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16)  # type: ignore[union-attr]
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.fixture(scope="module")
def big_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60,000 members: writing their CSV takes long enough to act while the temporary file exists."""
    path = tmp_path_factory.mktemp("lon") / "lon.csv"
    zeros = ",".join(["0"] * len(ITEMS))
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(["STT", "Họ và tên", *ITEMS]) + "\n")
        handle.writelines(f"{i},Người {i},{zeros}\n" for i in range(60_000))
    return path


# --------------------------------------------------------------------------- signals


@LINUX
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_writing_removes_the_temporary_file(big_sheet: Path, tmp_path: Path, signum: int) -> None:
    process = tusoi("batch", big_sheet, "-o", tmp_path / "kq.csv", cwd=tmp_path, stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE)
    wait_for(lambda: bool(temp_files(tmp_path)), process, "the temporary file appeared")
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert f"Đã dừng ({signal.Signals(signum).name})." in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither the report nor a temporary file


@LINUX
def test_sigterm_while_reading_standard_input_ends_with_130(tmp_path: Path) -> None:
    process = tusoi("score", "-", cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(lambda: handles_sigterm(process.pid), process, "the command started")
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err.strip()) == (130, "", "Đã dừng (SIGTERM).")


# --------------------------------------------------------------------------- never replace a file without --force


@LINUX
def test_a_file_created_while_tusoi_runs_is_not_replaced(big_sheet: Path, tmp_path: Path) -> None:
    target = tmp_path / "kq.csv"
    process = tusoi("batch", big_sheet, "-o", target, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for(lambda: bool(temp_files(tmp_path)), process, "the temporary file appeared")
    target.write_text("bảng của người khác\n", encoding="utf-8")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert f"lỗi: tệp '{target}' vừa được tạo trong lúc tusoi chạy nên không bị ghi đè — thêm --force" in err
    assert "Đã ghi" not in err
    assert target.read_text(encoding="utf-8") == "bảng của người khác\n"
    assert temp_files(tmp_path) == []


@LINUX
def test_two_runs_writing_one_new_name_only_one_writes(big_sheet: Path, tmp_path: Path) -> None:
    target = tmp_path / "kq.csv"
    runs = [tusoi("batch", big_sheet, "-o", target, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)]
    results = sorted((p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in runs)
    for p in runs:
        if p.stderr:
            p.stderr.close()
    assert [code for code, _ in results] == [0, 2], results
    assert "Đã ghi" in results[0][1] and "Đã ghi" not in results[1][1]
    assert "đã có" in results[1][1] or "vừa được tạo" in results[1][1]
    rows = target.read_bytes().decode("utf-8-sig").split("\r\n")
    assert len(rows) == 60_002 and rows[-1] == ""  # header, 60,000 members, the final line break: whole
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_force_keeps_the_mode_of_the_replaced_file(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "kq.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(mode)
    done = run("score", AN, "-o", target, "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"score": 96' in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_force_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    """Like the shell's ">": the link stays a link, the shared report behind it is the new one, mode kept."""
    shared = tmp_path / "chung"
    shared.mkdir()
    real = shared / "kq.json"
    real.write_text("{}", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "kq.json"
    link.symlink_to(real)
    done = run("score", AN, "-o", link, "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and '"score": 96' in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert temp_files(tmp_path) == temp_files(shared) == []


def test_a_new_file_gets_the_usual_mode_not_the_temporary_files(tmp_path: Path) -> None:
    done = run("score", AN, "-o", tmp_path / "kq.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "kq.json").stat().st_mode) == 0o666 & ~umask


def test_without_hard_links_the_name_is_still_claimed_exclusively(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A FAT/exFAT stick or a share without hard links (os.link fails with EPERM): the narrowest check."""
    import errno

    from tusoi_cli import output
    from tusoi_cli.errors import UsageError

    def no_links(src: str, dst: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(output.os, "link", no_links)
    output.begin_run()
    fresh = tmp_path / "moi.json"
    output.check_target(fresh, force=False)
    output.write_atomic(fresh, b'{"ok": 1}')
    assert fresh.read_bytes() == b'{"ok": 1}'
    taken = tmp_path / "kq.json"
    output.check_target(taken, force=False)
    taken.write_bytes(b"someone else's")  # appears between the check and the write
    with pytest.raises(UsageError, match="vừa được tạo trong lúc tusoi chạy"):
        output.write_atomic(taken, b'{"ok": 2}')
    assert taken.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.json", "moi.json"]


def test_a_file_read_during_the_run_is_protected_even_if_never_named(tmp_path: Path) -> None:
    """What the run opens for reading (an include, bo_tieu_chi...) cannot be the target, even with force."""
    from tusoi_cli import output
    from tusoi_cli.errors import UsageError

    read = tmp_path / "goc.yaml"
    read.write_text("id: goc\n", encoding="utf-8")
    output.begin_run()
    output.check_target(read, force=True)  # not named as an input: allowed at the start...
    assert read.read_text(encoding="utf-8") == "id: goc\n"  # ...then read during the run
    with pytest.raises(UsageError, match="trùng với tệp đầu vào"):
        output.write_atomic(read, b"x")
    assert read.read_text(encoding="utf-8") == "id: goc\n"
    assert str(read) in output.files_read()
    output.begin_run()
    assert output.files_read() == set()


# --------------------------------------------------------------------------- closed and full streams


@pytest.mark.parametrize("args", [
    ["score", str(AN)], ["score", str(AN), "-f", "json"], ["score", str(AN), str(AN), "-f", "md"],
    ["batch", str(SHEET)], ["batch", str(SHEET), "-o", "-", "-f", "csv"], ["rubric", "show"],
    ["rubric", "show", "-f", "json"], ["template", "member"],
    ["compare", str(AN), str(FILES / "yaml" / "nfd.yaml"), "-f", "json", "--today", "2026-06-30"],
    ["--help"], ["score", "--help"], ["--version"],
], ids=lambda a: "-".join(a[:1] + [x for x in a[1:] if not x.startswith("/")]))
def test_a_closed_pipe_ends_quietly_with_the_runs_exit_code(tmp_path: Path, args: list[str]) -> None:
    """`| true`: the reader is gone before tusoi writes; no message, the exit code of the run itself."""
    expected = run(*args, cwd=tmp_path).returncode
    process = tusoi(*args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == expected == 0, err
    assert "lỗi" not in err and "Exception" not in err and "Traceback" not in err
    assert "Broken pipe" not in err


def test_head_reads_one_line_then_closes(tmp_path: Path) -> None:
    """`| head -1` on a long output: the first line arrives, the rest is dropped quietly."""
    process = tusoi("rubric", "show", "-f", "json", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    bufsize=0)
    assert process.stdout is not None
    first = process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert first == "{\n" and process.returncode == 0 and err == ""


@LINUX
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [
    ["score", str(AN)], ["score", str(AN), "-f", "json"], ["rubric", "show", "-f", "json"],
    ["batch", str(SHEET), "-o", "-", "-f", "csv"], ["template", "member"], ["--help"], ["--version"],
], ids=["table", "json", "rubric-json", "batch-csv", "template", "help", "version"])
def test_a_full_standard_output_is_a_plain_error(tmp_path: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        process = tusoi(*args, cwd=tmp_path, stdout=full, stderr=subprocess.PIPE)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert err.splitlines()[-1] == ("lỗi: không ghi được ra đầu ra chuẩn (No space left on device) — ổ đĩa đã đầy; "
                                    "ghi vào tệp bằng -o TỆP")
    assert "Exception" not in err and "Traceback" not in err


@LINUX
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize(("args", "code"), [(["score", "khong-co.yaml"], 2), (["score", str(AN)], 0),
                                            (["rubric", "show", "a", "b"], 2)])
def test_a_full_standard_error_keeps_the_exit_code(tmp_path: Path, args: list[str], code: int) -> None:
    """Messages that cannot be written are lost, not turned into a crash or another exit code."""
    with open("/dev/full", "w") as full:
        process = tusoi(*args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=full)
        assert process.wait(timeout=60) == code


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to close descriptors")
@pytest.mark.parametrize(("redirect", "args", "code", "message"), [
    ("<&-", ["score", "-"], 2, "lỗi: đầu vào chuẩn ('-') đã bị đóng"),
    ("<&-", ["score", str(AN), "-f", "json"], 0, ""),
    (">&-", ["score", str(AN)], 0, ""),
    (">&-", ["batch", str(SHEET)], 0, ""),
    (">&-", ["score", str(AN), "-f", "json", "-o", "kq.json"], 0, ""),
    ("2>&-", ["score", "khong-co.yaml"], 2, ""),
], ids=["stdin-read", "stdin-unused", "stdout-table", "stdout-batch", "stdout-with-file", "stderr"])
def test_closed_standard_descriptors(tmp_path: Path, redirect: str, args: list[str], code: int,
                                     message: str) -> None:
    command = " ".join([f"'{sys.executable}'", "-m", "tusoi_cli", *(f"'{a}'" for a in args), redirect])
    done = subprocess.run(["bash", "-c", f"exec {command}"], cwd=tmp_path, env=ENV, capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)
    assert done.returncode == code, done.stderr
    assert "AttributeError" not in done.stderr and "Traceback" not in done.stderr
    assert message in done.stderr
    if "kq.json" in args:  # with fd 1 closed, the temporary file must not have become "standard output"
        assert '"score": 96' in (tmp_path / "kq.json").read_text(encoding="utf-8")
        assert temp_files(tmp_path) == []


# --------------------------------------------------------------------------- properties of the printing layers

_PIECES = [*"An Bình,;|\t\n\r=+-@#!*_`[]()<>&~$\\/'\"", "\x1b", "\x07", "\x00", "\x7f", "\x85", "\x9b", "\u202e",
           "\u2066", "\u200f", "\u2028", "＝", "＋", "－", "＠", "﹦", "<!--", "-->", "#N/A", "#REF!", "](", "**",
           "\n# ", "\n- ", "\n|", "<b>", "&lt;", "http://x.vn", "[/]", "[bold red]", "[link=http://x.vn]", ":smile:"]
_HOSTILE = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _trigger(piece: str) -> bool:
    first = piece.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in "=+-@"


@PROPS
@given(_HOSTILE)
def test_a_csv_text_field_never_starts_a_formula_wherever_a_reader_splits_it(text: str) -> None:
    from tusoi_cli.render.csvfile import safe_text

    field = safe_text(text)
    assert not UNSAFE.search(field) and "\n" not in field and "\t" not in field
    assert not _trigger(field)
    for separator in ",;|":
        assert not any(_trigger(piece) for piece in field.split(separator)), (separator, field)
    if re.fullmatch(r"#[A-Za-z][A-Za-z0-9/_]*[!?]?", field.strip()):
        pytest.fail(f"error literal left as is: {field!r}")
    assert safe_text(field) == field  # idempotent: the CSV read back and written again does not grow


def test_the_csv_quotes_every_field_and_keeps_numbers_numbers(tmp_path: Path) -> None:
    names = ["=1+1", 'An;=HYPERLINK("http://x")', "＝1+1", "#N/A", "Bình\x1b[31m", "Cường, -2+3", "Dũng\nmới"]
    sheet = tmp_path / "ac.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STT", "Họ và tên", "Chức vụ", *ITEMS])
        writer.writerows([i, n, "+phó", *([0] * 45), 1] for i, n in enumerate(names, start=1))
    done = run("batch", sheet, "-o", tmp_path / "kq.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "kq.csv").read_text(encoding="utf-8-sig")
    lines = raw.split("\r\n")[:-1]
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert [r[2] for r in rows[1:]] == ["'=1+1", "An;'=HYPERLINK(\"http://x\")", "'＝1+1", "'#N/A", "Bình[31m",
                                        "Cường, '-2+3", "Dũng mới"]
    assert {r[4] for r in rows[1:]} == {"'+phó"}
    assert [r[5] for r in rows[1:]] == ["85"] * len(names)  # D19 = 1: 100 - 15, a number
    again = run("batch", tmp_path / "kq.csv", cwd=tmp_path)  # tusoi reads its own CSV back
    assert "nhị phân" not in again.stderr and "điều khiển" not in again.stderr, again.stderr


def _result() -> object:
    from tusoi_cli.api import score_file

    return score_file(None, stdin_bytes=(
        'ky_danh_gia: "2026"\ndang_vien:\n  ho_ten: An\n  chi_bo: Chi bộ 3\nchi_bo_xep_loai: tot\nly_do: x\n'
        "danh_gia:\n  D1: 1\n  D2: 1\n").encode())


SCORED = _result()


@PROPS
@given(_HOSTILE, _HOSTILE, _HOSTILE)
def test_markdown_fields_cannot_forge_or_hide_anything(name: str, reason: str, unit: str) -> None:
    from markdown_it import MarkdownIt

    from tusoi_cli.render.markdown import member_markdown

    result = SCORED.result.model_copy(update={"ho_ten": name, "cell_reason": reason, "chi_bo": unit})  # type: ignore[attr-defined]
    text = member_markdown(result, SCORED.rubric)  # type: ignore[attr-defined]
    assert not UNSAFE.search(text)
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<h2>") == 1 and "<h1>" not in html and "<!--" not in html
    assert "<a " not in html and "<img" not in html and "<code>" not in html
    # D1 and D2 answered, the other 44 items not: the level is provisional, and says so
    assert html.count("<li><strong>Xếp loại đề xuất:</strong> <strong>Yếu kém</strong> "
                      "(tạm tính — còn 44 mục chưa trả lời)</li>") == 1
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= {"h2", "ul", "li", "strong", "p", "table", "thead", "tbody", "tr", "th", "td"}, tags


@PROPS
@given(_HOSTILE, _HOSTILE)
def test_nothing_from_the_inputs_acts_on_the_terminal(name: str, reason: str) -> None:
    from tusoi_cli.render.terminal import member_panel
    from tusoi_cli.streams import console

    result = SCORED.result.model_copy(update={"ho_ten": name or "A", "cell_reason": reason})  # type: ignore[attr-defined]
    buffer = io.StringIO()
    out = console(file=buffer, width=100, force_terminal=True, color_system="truecolor")
    out.print(member_panel(result, SCORED.rubric))  # type: ignore[attr-defined]
    out.print(f"tệp.yaml:3:1: không có mục '{name}' — {reason}", markup=False)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())  # rich's own colours are the only sequences left
    assert not UNSAFE.search(shown), repr(shown)


@PROPS
@given(st.text())
def test_json_escaping_keeps_the_data_and_shows_nothing_that_acts_on_a_terminal(text: str) -> None:
    import json

    from tusoi_cli.render.safe import json_text

    shown = json_text(json.dumps({"ho_ten": text}, ensure_ascii=False))
    assert json.loads(shown) == {"ho_ten": text}
    assert not UNSAFE.search(shown)


_NAMES = st.one_of(st.sampled_from(["-", "/dev/stdout", "", ".", "kq/", "kq", "kq.JSON", "kq.yml", "kq.md", "kq.txt",
                                    "kq.xlsx", "kq.csv", "kq.pdf", "a.b.json", "kq."]),
                   st.text(max_size=12))


@PROPS
@given(_NAMES, st.sampled_from([None, "table", "json", "yaml", "md"]))
def test_the_o_rule_gives_one_format_that_agrees_with_the_name_or_a_usage_error(raw: str, fmt: str | None) -> None:
    from tusoi_cli.cli.output import resolve
    from tusoi_cli.cli.score import _SCORE_OUTPUTS
    from tusoi_cli.errors import UsageError

    try:
        target = resolve(raw, fmt, extensions=_SCORE_OUTPUTS, default="table")
    except UsageError as exc:
        assert str(exc)
        return
    if target.path is None:
        assert raw in ("-", "/dev/stdout") and target.fmt == (fmt or "table")
        return
    assert not raw.endswith("/") and raw.strip()
    suffix = target.path.suffix.lower()
    assert target.fmt == _SCORE_OUTPUTS.get(suffix, fmt or "table")
    assert fmt is None or fmt == target.fmt
