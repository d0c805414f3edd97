"""``tusoi score FILE...``: score member files and explain each level."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tusoi_cli.cli.errors import ExitCode, carry_warnings, guard, report, stderr, stdout, warn
from tusoi_cli.cli.options import ForceOutputOption

if TYPE_CHECKING:
    from tusoi_cli.api import Scored
    from tusoi_cli.errors import Problem


class Format(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"
    md = "md"


def score_cmd(
    files: Annotated[list[str], typer.Argument(help="Tệp tự đánh giá (.yaml); '-' để đọc từ đầu vào chuẩn.",
                                               metavar="TỆP...", show_default=False)],
    fmt: Annotated[Format | None, typer.Option("--format", "-f",
                                               help="Dạng kết quả: table, json, yaml hoặc md; mặc định theo đuôi "
                                                    "tệp -o (.txt, .json, .yaml, .md), không có -o thì table.",
                                               show_default=False)] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                               help="Bộ tiêu chí (mã có sẵn hoặc tệp .yaml); mặc định lấy theo "
                                                    "trường bo_tieu_chi của từng tệp.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Coi mục chưa trả lời là lỗi.")] = False,
    fail_below: Annotated[str | None, typer.Option("--fail-below", metavar="MỨC",
                                                   help="Thoát với mã 3 nếu có đảng viên xếp loại dưới MỨC "
                                                        "(ví dụ kha).")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Ghi kết quả vào TỆP (dạng theo đuôi tệp) thay vì in ra màn "
                                                    "hình; '-' là đầu ra chuẩn.")] = None,
    ky_truoc: Annotated[Path | None, typer.Option("--ky-truoc", metavar="TỆP|THƯ_MỤC",
                                                  help="Kỳ trước (tệp .yaml, bảng tính hoặc thư mục, như compare "
                                                       "đọc): so từng hạn chế kỳ trước với kỳ này, cảnh báo khi tự "
                                                       "nhận 'đã khắc phục' mà vẫn còn.")] = None,
    force: ForceOutputOption = False,
) -> None:
    """Chấm điểm một hay nhiều tệp tự đánh giá và giải thích vì sao được mức đó."""
    with guard():
        from tusoi_cli.api import MAX_BYTES, check_input, load_rubric, match_level, score_file
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import InputError, UsageError
        from tusoi_cli.streams import stdin_closed

        missing = [f for f in files if f != "-" and not Path(f).exists() and not Path(f).is_symlink()]
        if missing:
            raise UsageError("không tìm thấy tệp " + ", ".join(f"'{m}'" for m in missing))
        for f in files:  # a pipe (FIFO, <(…), /dev/stdin) is read like '-'; a folder or a device is named
            if f != "-":
                check_input(Path(f))
        if files.count("-") > 1:
            raise UsageError("chỉ được đọc đầu vào chuẩn ('-') một lần")
        if "-" in files and stdin_closed():
            raise UsageError("đầu vào chuẩn ('-') đã bị đóng — chuyển tệp vào bằng '< tệp.yaml' hoặc ghi tên tệp")
        rubric_files = [Path(rubric)] if rubric and Path(rubric).is_file() else []
        if ky_truoc is not None and not ky_truoc.is_dir():
            check_input(ky_truoc, "kỳ trước")
        target = cli_output.plan(output, fmt.value if fmt else None, force=force,
                                 inputs=[*(Path(f) for f in files if f != "-"), *rubric_files,
                                         *([ky_truoc] if ky_truoc is not None else [])],
                                 extensions=_SCORE_OUTPUTS, default=Format.table.value)
        chosen = load_rubric(rubric) if rubric else None
        # read one byte more than a member file may hold, so an endless stream is refused, not swallowed
        stdin_bytes = sys.stdin.buffer.read(MAX_BYTES + 1) if "-" in files else None

        scored: list[Scored] = []
        problems: list[Problem] = []
        previous = None
        if ky_truoc is not None:
            from tusoi_cli.api import follow_previous, read_previous

            previous = read_previous(ky_truoc, chosen or load_rubric())
            problems.extend(previous.problems)
        for name in files:
            try:
                item = score_file(None if name == "-" else name, rubric=chosen, strict=strict,
                                  stdin_bytes=stdin_bytes)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            if previous is not None:
                item = follow_previous(item, previous)
            scored.append(item)
            problems.extend(item.problems)

        below = []
        unrated = 0  # exempt or not reviewed: no level, so neither below nor above the threshold
        wanted_label = fail_below
        if fail_below is not None:
            for item in scored:
                wanted = match_level(item.rubric, fail_below)
                if wanted is None:
                    choices = ", ".join(f"{lv.id} ({lv.label})" for lv in item.rubric.levels)
                    raise UsageError(f"--fail-below: mức '{fail_below}' không có trong bộ tiêu chí "
                                     f"'{item.rubric.id}' — dùng một trong: {choices}")
                wanted_label = item.rubric.level(wanted).label
                if item.result.level is None:
                    unrated += 1
                elif item.rubric.level_rank(item.result.level) > item.rubric.level_rank(wanted):
                    below.append(item)

        report(problems)
        for item in scored:
            for note in item.notes:
                stderr().print(f"Lưu ý: {note}", markup=False, style="yellow")
        warn([w for item in scored for w in item.warnings])
        carry_warnings((item.result.ho_ten, item.result.source, p.warning) for item in scored
                       for p in item.result.previous_shortcomings or [] if p.warning)
        if scored:
            _emit(scored, Format(target.fmt), target.path)
        if unrated:
            stderr().print(f"--fail-below bỏ qua {unrated} đảng viên không được xếp loại (miễn hoặc chưa kiểm "
                            "điểm)", markup=False, style="yellow")
        if problems:
            raise typer.Exit(ExitCode.INPUT)
        if below:
            stderr().print(f"{len(below)} đảng viên xếp loại dưới mức {wanted_label}: "
                            + ", ".join(i.result.ho_ten for i in below), markup=False, style="yellow")
            raise typer.Exit(ExitCode.BELOW)


_SCORE_OUTPUTS = {".txt": "table", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".md": "md",
                  ".markdown": "md"}


def _emit(scored: list[Scored], fmt: Format, output: Path | None) -> None:
    """Tables go to the terminal with colours; everything else, and any output file, as text."""
    if fmt is Format.table and output is None:
        from tusoi_cli.render.terminal import print_results

        print_results(stdout(), [(s.result, s.rubric) for s in scored])
        return
    text = _render_text(scored, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from tusoi_cli.output import write_atomic

        write_atomic(output, text.encode("utf-8"))


def _render_text(scored: list[Scored], fmt: Format) -> str:
    if fmt in (Format.json, Format.yaml):
        from tusoi_cli.render.data import result_dict, to_json, to_yaml
        from tusoi_cli.render.safe import json_text, yaml_payload

        dicts = [result_dict(s.result, s.problems, s.warnings) for s in scored]
        payload: Any = dicts[0] if len(dicts) == 1 else dicts
        return json_text(to_json(payload)) if fmt is Format.json else to_yaml(yaml_payload(payload))
    pairs = [(s.result, s.rubric) for s in scored]
    if fmt is Format.md:
        from tusoi_cli.render.markdown import results_markdown

        return results_markdown(pairs)
    import io

    from tusoi_cli.render.terminal import print_results

    buffer = io.StringIO()  # a table written to a file: plain text, fixed width
    print_results(stdout(file=buffer, width=120, color_system=None, force_terminal=False), pairs)
    return buffer.getvalue()
