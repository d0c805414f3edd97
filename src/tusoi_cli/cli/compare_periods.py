"""``tusoi compare P1 P2 P3 [...]``: three or more periods, oldest first (called by cli/compare.py, which keeps
two periods exactly as they were). Runs inside the caller's ``errors.guard()``. Also the steps both share: the
``-o`` report planned, --today read, the report written and shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tusoi_cli.cli.errors import report, stderr, stdout

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date

    from tusoi_cli.cli.output import Target

OUTPUTS = {".xlsx": "xlsx", ".json": "json"}


def plan_report(output: str | None, fmt: str | None, *, force: bool, inputs: list[Path]) -> Target | None:
    """compare's ``-o``: a .xlsx or .json report (``-`` is JSON on standard output), refused with --format table."""
    if output is None:
        return None
    from tusoi_cli.cli import output as cli_output
    from tusoi_cli.errors import UsageError

    if output == cli_output.STDOUT and fmt == "table":
        raise UsageError("-o - ghi JSON ra đầu ra chuẩn, trái với --format table — bỏ một trong hai")
    return cli_output.plan(output, None, force=force, inputs=inputs, extensions=OUTPUTS,
                           binary=frozenset({"xlsx"}), default="json")


def today_or(today: str | None) -> date:
    """The date --today gives, else today's."""
    from datetime import date

    from tusoi_cli.api import parse_date
    from tusoi_cli.errors import UsageError

    if today is None:
        return date.today()
    parsed = parse_date(today)
    if parsed is None:
        raise UsageError(f"--today: '{today}' không phải là ngày hợp lệ — viết dạng 2026-06-30 hoặc 30/06/2026")
    return parsed


def show_report(target: Target | None, *, as_json: bool, json_pieces: Callable[[], Iterable[str]],
                write_xlsx: Callable[[Path], None], view: Callable[[], Any]) -> None:
    """Write the report to ``target`` (.xlsx or JSON), then JSON (``as_json``, or ``-o -``) or the terminal view
    on standard output, then say what was written."""
    import sys

    from tusoi_cli.output import write_atomic
    from tusoi_cli.render.safe import json_text

    if target is not None and target.path is not None:
        if target.fmt == "xlsx":
            write_xlsx(target.path)
        else:
            write_atomic(target.path, (json_text(piece).encode("utf-8") for piece in json_pieces()))
    if as_json or (target is not None and target.path is None):
        sys.stdout.writelines(json_text(piece) for piece in json_pieces())
        sys.stdout.flush()
    else:
        stdout().print(view())
    if target is not None and target.path is not None:
        stderr().print(f"Đã ghi {target.path}", style="green", markup=False)


def compare_several(paths: list[Path], *, fmt: str | None, output: str | None, force: bool, today: str | None,
                    rubric: str | None, sheet: str | None, per_period_options: list[str]) -> int:
    """Check the arguments, read every period, follow the members and write the outputs; the exit code.
    ``fmt``: what --format asked for ('table', 'json' or None)."""
    from tusoi_cli.api import check_input, follow_periods, input_kind, load_rubric, read_period
    from tusoi_cli.errors import UsageError
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
    rubric_files = [Path(rubric)] if rubric and Path(rubric).is_file() else []
    target = plan_report(output, fmt, force=force, inputs=[*paths, *rubric_files])
    on = today_or(today)

    chosen = load_rubric(rubric) if rubric else None
    periods = [read_period(p, rubric=chosen, sheet=sheet if kind == "sheet" else None)
               for p, kind in zip(paths, kinds, strict=True)]
    follow_up = follow_periods(periods, today=on)

    report(follow_up.problems)

    def pieces() -> Iterable[str]:
        from tusoi_cli.render.periods_data import follow_up_json

        return follow_up_json(follow_up, tool_version=__version__)

    def xlsx(path: Path) -> None:
        from tusoi_cli.render.excel.periods import write_follow_up_report

        empty = not any(p.rubrics() for p in periods)
        write_follow_up_report(path, follow_up, tool_version=__version__,
                               fallback_rubric=load_rubric() if empty else None)

    def view() -> Any:
        from tusoi_cli.render.periods_terminal import follow_up_view

        return follow_up_view(follow_up)

    show_report(target, as_json=fmt == "json", json_pieces=pieces, write_xlsx=xlsx, view=view)
    return 1 if follow_up.problems or follow_up.failed else 0
