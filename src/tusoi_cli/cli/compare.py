"""``tusoi compare OLD NEW``: follow last period's shortcomings into this period (registered in cli/__init__.py).

Only typer, pathlib and typing at module level: the command's work is imported when it runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tusoi_cli.cli.errors import guard, report
from tusoi_cli.cli.options import ForceOutputOption

if TYPE_CHECKING:
    from collections.abc import Iterable


class CompareFormat(StrEnum):
    table = "table"
    json = "json"


def compare_cmd(
    old: Annotated[Path, typer.Argument(help="Kỳ cũ: tệp tự đánh giá (.yaml), bảng tính của chi bộ (.xlsx, .xls, "
                                             ".ods, .csv) hoặc thư mục các tệp .yaml.", metavar="CŨ",
                                        show_default=False)],
    new: Annotated[Path, typer.Argument(help="Kỳ mới: cùng loại với kỳ cũ (tệp .yaml với tệp .yaml; bảng tính "
                                             "hoặc thư mục với bảng tính hoặc thư mục).", metavar="MỚI",
                                        show_default=False)],
    more: Annotated[list[Path] | None, typer.Argument(
        help="Các kỳ sau nữa (tùy chọn), từ cũ đến mới: theo dõi ba kỳ trở lên, ví dụ "
             "tusoi compare 2023/ 2024/ 2025/ 2026/.", metavar="[KỲ_SAU]...", show_default=False)] = None,
    fmt: Annotated[CompareFormat | None, typer.Option("--format", "-f",
                                                      help="Dạng in ra màn hình: table (mặc định) hoặc json.",
                                                      show_default=False)] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Ghi thêm báo cáo: .xlsx (mỗi góc nhìn một trang, tô màu theo "
                                                    "kết quả) hoặc .json; '-' là JSON ra đầu ra chuẩn.")] = None,
    force: ForceOutputOption = False,
    today: Annotated[str | None, typer.Option("--today", metavar="NGÀY",
                                              help="Ngày đối chiếu hạn khắc phục (2026-06-30 hoặc 30/06/2026); "
                                                   "mặc định hôm nay.")] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                               help="Bộ tiêu chí cho mọi kỳ. Bỏ trống: tệp .yaml theo trường "
                                                    "bo_tieu_chi của từng tệp, bảng tính theo tusoi-mac-dinh.")
                      ] = None,
    rubric_old: Annotated[str | None, typer.Option("--rubric-old", metavar="MÃ|TỆP",
                                                   help="Bộ tiêu chí riêng cho kỳ cũ.")] = None,
    rubric_new: Annotated[str | None, typer.Option("--rubric-new", metavar="MÃ|TỆP",
                                                   help="Bộ tiêu chí riêng cho kỳ mới.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="TÊN",
                                              help="Trang tính cần đọc ở mọi bảng tính.")] = None,
    sheet_old: Annotated[str | None, typer.Option("--sheet-old", metavar="TÊN",
                                                  help="Trang tính của bảng kỳ cũ.")] = None,
    sheet_new: Annotated[str | None, typer.Option("--sheet-new", metavar="TÊN",
                                                  help="Trang tính của bảng kỳ mới.")] = None,
) -> None:
    """So sánh hai kỳ (hạn chế đã khắc phục, còn, nặng hơn, mới; biện pháp quá hạn) hoặc theo dõi nhiều kỳ.

    Hai kỳ: hạn chế nào đã khắc phục, tiến bộ, không đổi, nặng hơn, mới phát sinh; biện pháp quá hạn.
    Ba kỳ trở lên: đường đi từng mục qua các kỳ, hạn chế kéo dài, tái phạm, xu hướng xếp loại.
    """
    with guard():
        if more:
            from tusoi_cli.cli.compare_periods import compare_several

            pairs = (("--rubric-old", rubric_old), ("--rubric-new", rubric_new), ("--sheet-old", sheet_old),
                     ("--sheet-new", sheet_new))
            options = [name for name, value in pairs if value is not None]
            code = compare_several([old, new, *more], fmt=fmt.value if fmt else None, output=output, force=force,
                                   today=today, rubric=rubric, sheet=sheet, per_period_options=options)
            if code:
                raise typer.Exit(code)
            return
        from tusoi_cli.api import compare_periods, input_kind, load_rubric, read_period
        from tusoi_cli.cli.compare_periods import plan_report, show_report, today_or
        from tusoi_cli.errors import UsageError
        from tusoi_cli.version import __version__

        for label, path in (("kỳ cũ", old), ("kỳ mới", new)):
            if not path.is_dir():
                from tusoi_cli.api import check_input

                check_input(path, label)
        kinds = input_kind(old), input_kind(new)
        if (kinds[0] == "member") != (kinds[1] == "member"):
            raise UsageError("CŨ và MỚI phải cùng loại: hai tệp tự đánh giá (.yaml), hoặc hai bảng tính / thư mục "
                             "của chi bộ")
        if sheet is not None and (sheet_old is not None or sheet_new is not None):
            raise UsageError("dùng --sheet cho cả hai kỳ, hoặc --sheet-old / --sheet-new cho từng kỳ, không dùng "
                             "cùng lúc")
        if sheet is not None and "sheet" not in kinds:
            raise UsageError("--sheet chỉ dùng khi đầu vào là bảng tính")
        for option, value, kind in (("--sheet-old", sheet_old, kinds[0]), ("--sheet-new", sheet_new, kinds[1])):
            if value is not None and kind != "sheet":
                raise UsageError(f"{option} chỉ dùng khi kỳ đó là bảng tính")
        if rubric is not None and (rubric_old is not None or rubric_new is not None):
            raise UsageError("dùng --rubric cho cả hai kỳ, hoặc --rubric-old / --rubric-new cho từng kỳ, không dùng "
                             "cùng lúc")
        rubric_files = [Path(r) for r in (rubric, rubric_old, rubric_new) if r and Path(r).is_file()]
        target = plan_report(output, fmt.value if fmt else None, force=force, inputs=[old, new, *rubric_files])
        on = today_or(today)

        chosen_old = rubric_old or rubric
        chosen_new = rubric_new or rubric
        old_period = read_period(old, rubric=load_rubric(chosen_old) if chosen_old else None,
                                 sheet=sheet_old if sheet_old is not None else sheet if kinds[0] == "sheet" else None)
        new_period = read_period(new, rubric=load_rubric(chosen_new) if chosen_new else None,
                                 sheet=sheet_new if sheet_new is not None else sheet if kinds[1] == "sheet" else None)
        comparison = compare_periods(old_period, new_period, today=on)

        report(comparison.problems)

        def pieces() -> Iterable[str]:
            from tusoi_cli.render.compare_data import comparison_json

            return comparison_json(comparison, tool_version=__version__)

        def xlsx(path: Path) -> None:
            from tusoi_cli.render.excel.compare import write_comparison_report

            empty = not (comparison.new.rubrics() or comparison.old.rubrics())
            write_comparison_report(path, comparison, tool_version=__version__,
                                    fallback_rubric=load_rubric() if empty else None)

        def view() -> Any:
            from tusoi_cli.render.compare_terminal import comparison_view

            return comparison_view(comparison)

        show_report(target, as_json=fmt is CompareFormat.json, json_pieces=pieces, write_xlsx=xlsx, view=view)
        if comparison.problems or old_period.failed or new_period.failed:
            raise typer.Exit(1)
