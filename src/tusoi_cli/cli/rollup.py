"""``tusoi tong-hop TREE...``: the committee's roll-up of many cells into the official counts, no member named."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tusoi_cli.cli.errors import ExitCode, guard, report, stderr, stdout, warn
from tusoi_cli.cli.options import ForceOutputOption
from tusoi_cli.cli.progress import with_progress
from tusoi_cli.version import __version__

if TYPE_CHECKING:
    from tusoi_cli.model import Rubric
    from tusoi_cli.model.rollup import Rollup

_OUTPUTS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}


class RollupFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


def rollup_cmd(
    inputs: Annotated[list[Path], typer.Argument(
        help="Thư mục (mỗi bảng tính hay thư mục tệp .yaml là một chi bộ, mỗi thư mục con là một đảng bộ), bảng "
             "tính của một chi bộ, hoặc tệp .json do `tusoi tong-hop` ghi (để cộng tiếp lên cấp trên).",
        metavar="ĐẦU_VÀO...", show_default=False)],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="TỆP",
        help="Tệp kết quả: .xlsx (in được trên A4), .csv hoặc .json; '-' là đầu ra chuẩn (cùng --format csv "
             "hoặc json). Bỏ trống thì chỉ in bảng tổng hợp.")] = None,
    fmt: Annotated[RollupFormat | None, typer.Option(
        "--format", "-f", help="xlsx, csv hoặc json; mặc định theo đuôi tệp -o. Có --format mà không có -o: ghi "
                               "csv/json ra đầu ra chuẩn.", show_default=False)] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--ky-truoc", metavar="ĐẦU_VÀO",
        help="Kỳ trước: thư mục các chi bộ, hoặc tệp .json tổng hợp kỳ trước; đơn vị ghép theo tên.")] = None,
    rubric: Annotated[str, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                        help="Bộ tiêu chí dùng cho mọi chi bộ.")] = "tusoi-mac-dinh",
    names: Annotated[bool, typer.Option(
        "--ten", help="Thêm danh sách đảng viên (họ tên, trạng thái, mức) vào tệp .xlsx/.json, chỉ dùng nội bộ; "
                      "không có với đầu vào là bảng tổng hợp .json.")] = False,
    force: ForceOutputOption = False,
) -> None:
    """Tổng hợp nhiều chi bộ thành số liệu báo cáo cấp trên (không nêu tên đảng viên)."""
    import gc

    gc.disable()  # many short-lived acyclic objects per cell: the cycle collector only costs time
    with guard():
        from tusoi_cli.api import load_rubric, roll_up
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError

        for path in [*inputs, *(previous or [])]:
            if not path.exists():
                raise UsageError(f"không tìm thấy '{path}'")
        for group in (inputs, previous or []):
            resolved = [(path, path.resolve()) for path in group]
            for path, full in resolved:
                outer = next((other for other, whole in resolved if other is not path
                              and (whole == full or whole in full.parents)), None)
                if outer is not None:
                    raise UsageError(f"'{path}' nằm trong '{outer}' (hoặc là một) nên sẽ bị tính hai lần — chỉ đưa "
                                     "một trong hai")
        target = None
        if output is not None or fmt is not None:
            target = cli_output.plan(output, fmt.value if fmt else None, force=force,
                                     inputs=[*inputs, *(previous or [])], extensions=_OUTPUTS,
                                     binary=frozenset({"xlsx"}))
        chosen = load_rubric(rubric)
        if not chosen.levels:
            raise UsageError(f"bộ tiêu chí '{chosen.id}' không có mức xếp loại nên không chấm điểm được")
        rollup = with_progress(lambda progress: roll_up(list(inputs), chosen, previous=list(previous or []),
                                                        progress=progress, names=names), "Đang tổng hợp")
        report(rollup.problems)
        warn(rollup.warnings)
        if not rollup.root.children and rollup.root.kind == "party_unit":
            if rollup.problems:  # every cell given was unreadable (each said above): nothing to write
                raise typer.Exit(ExitCode.INPUT)
            raise UsageError("không tìm thấy chi bộ nào để tổng hợp (bảng tính .xlsx/.xls/.ods/.csv hoặc thư mục "
                             "tệp .yaml)")
        if names and rollup.from_json:
            stderr().print("Lưu ý: bảng tổng hợp .json không có danh sách đảng viên; --ten chỉ liệt kê đảng viên "
                           "của các chi bộ được đọc trực tiếp.", style="yellow", markup=False)
        if names and (target is None or target.fmt == "csv"):
            stderr().print("Lưu ý: danh sách đảng viên (--ten) chỉ có trong tệp .xlsx hoặc .json, không in ra màn "
                           "hình hay .csv.", style="yellow", markup=False)
        if target is not None:
            _write(rollup, chosen, target.path, target.fmt)
        from tusoi_cli.render.rollup_terminal import rollup_summary

        (stderr() if target is not None and target.path is None else stdout()).print(rollup_summary(rollup))
        if target is not None and target.path is not None:
            stderr().print(f"Đã ghi {target.path}", style="green", markup=False)
        if rollup.problems:
            raise typer.Exit(ExitCode.INPUT)


def _write(rollup: Rollup, rubric: Rubric, output: Path | None, fmt: str) -> None:
    from tusoi_cli.output import write_atomic

    if fmt == "xlsx":
        from tusoi_cli.render.excel.rollup import write_rollup

        assert output is not None
        write_rollup(output, rollup, rubric, tool_version=__version__)
        return
    if fmt == "csv":
        from tusoi_cli.render.rollup_data import rollup_csv

        chunks = rollup_csv(rollup)
    else:
        from tusoi_cli.render.rollup_data import rollup_json

        chunks = rollup_json(rollup, tool_version=__version__)
    if output is not None:
        write_atomic(output, chunks)
        return
    for number, chunk in enumerate(chunks):
        text = chunk.decode("utf-8")
        sys.stdout.write(text.removeprefix("\ufeff") if number == 0 else text)
    sys.stdout.flush()
