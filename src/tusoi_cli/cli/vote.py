"""``tusoi bieu-quyet CHI_BO``: the cell meeting — ballots tallied by the rubric's rule, the quota, who is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tusoi_cli.cli.errors import ExitCode, guard, report, stderr, stdout
from tusoi_cli.cli.options import ForceOutputOption
from tusoi_cli.version import __version__

_OUTPUTS = {".xlsx": "xlsx", ".json": "json"}


def vote_cmd(
    source: Annotated[Path, typer.Argument(help="Bảng tính của chi bộ (.xlsx, .xls, .ods, .csv) hoặc thư mục các tệp"
                                                " tự đánh giá.", metavar="CHI_BỘ", show_default=False)],
    ballots: Annotated[Path | None, typer.Option("--phieu", metavar="TỆP",
                                                 help="Phiếu biểu quyết đã kiểm: mẫu của `tusoi template phieu` đã điền"
                                                      " số phiếu, hoặc mỗi dòng một phiếu (Họ và tên, Phiếu). Bỏ trống:"
                                                      " đọc các cột phiếu (mỗi mức một cột) trong bảng của chi bộ.")
                       ] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Tệp kết quả: .xlsx hoặc .json; '-' là đầu ra chuẩn (json).")
                      ] = None,
    present: Annotated[int | None, typer.Option("--co-mat", metavar="SỐ", min=1,
                                                help="Số đảng viên có mặt và biểu quyết (thay cho ô 'Số đảng viên có"
                                                     " mặt' của phiếu).")] = None,
    exceptional: Annotated[bool | None, typer.Option("--don-vi-dac-biet/--don-vi-thuong",
                                                     help="Đơn vị đặc biệt: dùng tỷ lệ định mức của đơn vị đặc biệt"
                                                          " (mặc định theo ô 'Đơn vị đặc biệt:' của phiếu, nếu có).",
                                                     show_default=False)] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="TÊN", help="Trang tính của bảng chi bộ.")] = None,
    rubric: Annotated[str, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                        help="Bộ tiêu chí (quy tắc biểu quyết và định mức lấy từ đây).")
                      ] = "tusoi-mac-dinh",
    force: ForceOutputOption = False,
) -> None:
    """Kiểm phiếu biểu quyết xếp loại của chi bộ theo quy tắc của bộ tiêu chí, xét định mức, liệt kê còn thiếu."""
    with guard():
        from tusoi_cli.api import check_input, hold_vote, load_rubric
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError

        for path in (source, *([ballots] if ballots is not None else [])):
            if not path.exists() and not path.is_symlink():
                raise UsageError(f"không tìm thấy '{path}'")
            if not path.is_dir():
                check_input(path)
        if ballots is not None and ballots.is_dir():
            raise UsageError(f"--phieu '{ballots}' là một thư mục — ghi tên tệp phiếu (.xlsx, .ods, .csv)")
        target = None
        if output is not None:
            inputs = [source, *([ballots] if ballots else []), *([Path(rubric)] if Path(rubric).is_file() else [])]
            target = cli_output.plan(output, None, force=force, inputs=inputs, extensions=_OUTPUTS,
                                     binary=frozenset({"xlsx"}), default="json")
        chosen = load_rubric(rubric)
        if not chosen.levels:
            raise UsageError(f"bộ tiêu chí '{chosen.id}' không có mức xếp loại nên không biểu quyết được")
        meeting = hold_vote(source, chosen, ballots=ballots, sheet=sheet, present=present, exceptional=exceptional)
        report(meeting.problems)
        for note in meeting.notes:
            stderr().print(f"ghi chú: {note}", style="dim", markup=False)
        if target is not None:
            if target.fmt == "xlsx":
                from tusoi_cli.render.excel.vote import write_meeting

                assert target.path is not None
                write_meeting(target.path, meeting, tool_version=__version__)
            else:
                from tusoi_cli.output import write_atomic
                from tusoi_cli.render.vote_data import meeting_json

                text = meeting_json(meeting)
                if target.path is None:
                    import sys

                    sys.stdout.write(text)
                    sys.stdout.flush()
                else:
                    write_atomic(target.path, text.encode("utf-8"))
        from tusoi_cli.render.vote_terminal import meeting_view

        (stderr() if target is not None and target.path is None else stdout()).print(meeting_view(meeting))
        if target is not None and target.path is not None:
            stderr().print(f"Đã ghi {target.path}", style="green", markup=False)
        if meeting.problems:
            raise typer.Exit(ExitCode.INPUT)
