"""``tusoi compare P1 P2 P3 [...]``: three or more periods, oldest first (called by cli/compare.py, which keeps
two periods exactly as they were). Runs inside the caller's ``errors.guard()``."""

from __future__ import annotations

from pathlib import Path

from tusoi_cli.cli.errors import report, stderr, stdout

OUTPUTS = {".xlsx": "xlsx", ".json": "json"}


def compare_several(paths: list[Path], *, fmt: str | None, output: str | None, force: bool, today: str | None,
                    rubric: str | None, sheet: str | None, per_period_options: list[str]) -> int:
    """Check the arguments, read every period, follow the members and write the outputs; the exit code.
    ``fmt``: what --format asked for ('table', 'json' or None)."""
    import sys
    from datetime import date

    from tusoi_cli.api import check_input, follow_periods, input_kind, load_rubric, parse_date, read_period
    from tusoi_cli.cli import output as cli_output
    from tusoi_cli.errors import UsageError
    from tusoi_cli.output import write_atomic
    from tusoi_cli.render.safe import json_text
    from tusoi_cli.version import __version__

    if per_period_options:
        raise UsageError(f"{', '.join(per_period_options)} chỉ dùng khi so hai kỳ; với {len(paths)} kỳ, dùng "
                         "--rubric và --sheet (áp dụng cho mọi kỳ), hoặc để mỗi tệp .yaml tự ghi bộ tiêu chí")
    for n, path in enumerate(paths, start=1):
        if not path.is_dir():
            check_input(path, f"kỳ {n}")
    kinds = [input_kind(p) for p in paths]
    if len({kind == "member" for kind in kinds}) > 1:
        listed = ", ".join(f"kỳ {n} ({p.name})" for n, (p, k) in enumerate(zip(paths, kinds, strict=True), start=1)
                           if k == "member")
        raise UsageError(f"các kỳ phải cùng loại: toàn tệp tự đánh giá (.yaml) của một người, hoặc toàn bảng tính / "
                         f"thư mục của chi bộ — {listed} là tệp .yaml")
    if sheet is not None and "sheet" not in kinds:
        raise UsageError("--sheet chỉ dùng khi đầu vào là bảng tính")
    target = None
    if output is not None:
        if output == cli_output.STDOUT and fmt == "table":
            raise UsageError("-o - ghi JSON ra đầu ra chuẩn, trái với --format table — bỏ một trong hai")
        rubric_files = [Path(rubric)] if rubric and Path(rubric).is_file() else []
        target = cli_output.plan(output, None, force=force, inputs=[*paths, *rubric_files], extensions=OUTPUTS,
                                 binary=frozenset({"xlsx"}), default="json")
    on = date.today()
    if today is not None:
        parsed = parse_date(today)
        if parsed is None:
            raise UsageError(f"--today: '{today}' không phải là ngày hợp lệ — viết dạng 2026-06-30 hoặc 30/06/2026")
        on = parsed

    chosen = load_rubric(rubric) if rubric else None
    periods = [read_period(p, rubric=chosen, sheet=sheet if kind == "sheet" else None)
               for p, kind in zip(paths, kinds, strict=True)]
    follow_up = follow_periods(periods, today=on)

    report(follow_up.problems)
    if target is not None and target.path is not None:
        if target.fmt == "xlsx":
            from tusoi_cli.render.excel.periods import write_follow_up_report

            empty = not any(p.rubrics() for p in periods)
            write_follow_up_report(target.path, follow_up, tool_version=__version__,
                                   fallback_rubric=load_rubric() if empty else None)
        else:
            from tusoi_cli.render.periods_data import follow_up_json

            write_atomic(target.path, (json_text(piece).encode("utf-8")
                                       for piece in follow_up_json(follow_up, tool_version=__version__)))
    if fmt == "json" or (target is not None and target.path is None):
        from tusoi_cli.render.periods_data import follow_up_json

        sys.stdout.writelines(json_text(piece) for piece in follow_up_json(follow_up, tool_version=__version__))
        sys.stdout.flush()
    else:
        from tusoi_cli.render.periods_terminal import follow_up_view

        stdout().print(follow_up_view(follow_up))
    if target is not None and target.path is not None:
        stderr().print(f"Đã ghi {target.path}", style="green", markup=False)
    return 1 if follow_up.problems or follow_up.failed else 0
