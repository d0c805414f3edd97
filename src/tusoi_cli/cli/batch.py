"""``tusoi batch INPUT``: rate a whole cell from a sheet or a folder, print the summary, write the report."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tusoi_cli.cli.errors import ExitCode, carry_warnings, guard, report, stderr, stdout, warn
from tusoi_cli.cli.options import ForceOutputOption
from tusoi_cli.cli.progress import with_progress
from tusoi_cli.version import __version__

if TYPE_CHECKING:
    from tusoi_cli.model.batch import BatchResult, BatchSummary
    from tusoi_cli.model.meeting import QuotaResult


class SortOrder(StrEnum):
    nhap = "nhap"
    ten = "ten"


_BATCH_OUTPUTS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}


class BatchFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


def batch_cmd(
    source: Annotated[Path, typer.Argument(help="Bảng tính của chi bộ (.xlsx, .xls, .ods, .csv) hoặc thư mục "
                                                "chứa các tệp tự đánh giá .yaml.", metavar="ĐẦU_VÀO",
                                           show_default=False)],
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Tệp kết quả: .xlsx (báo cáo in được), .csv hoặc .json; '-' là "
                                                    "đầu ra chuẩn (cùng --format csv hoặc json). Bỏ trống thì chỉ "
                                                    "in bảng tổng hợp.")] = None,
    fmt: Annotated[BatchFormat | None, typer.Option("--format", "-f",
                                                    help="xlsx, csv hoặc json; mặc định theo đuôi tệp -o. Có "
                                                         "--format mà không có -o: ghi csv/json ra đầu ra chuẩn.",
                                                    show_default=False)] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="TÊN",
                                              help="Trang tính cần đọc; mặc định trang đầu tiên có dòng "
                                                   "tiêu đề hợp lệ.")] = None,
    rubric: Annotated[str, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                        help="Bộ tiêu chí dùng cho cả chi bộ.")] = "tusoi-mac-dinh",
    sort: Annotated[SortOrder, typer.Option("--sort", help="Thứ tự đảng viên: nhap (như trong tệp) hoặc ten "
                                                           "(theo tên, đúng thứ tự chữ cái tiếng Việt).")
                    ] = SortOrder.nhap,
    strict: Annotated[bool, typer.Option("--strict", help="Coi mục chưa trả lời là lỗi (mỗi mục một lỗi của dòng "
                                                           "đó); đảng viên vẫn có trong báo cáo, mức tạm tính.")
                      ] = False,
    exceptional: Annotated[bool, typer.Option("--don-vi-dac-biet",
                                              help="Đơn vị đặc biệt: xét định mức của bộ tiêu chí theo tỷ lệ của đơn "
                                                   "vị đặc biệt.")] = False,
    ky_truoc: Annotated[Path | None, typer.Option("--ky-truoc", metavar="TỆP|THƯ_MỤC",
                                                  help="Kỳ trước (bảng tính, thư mục hoặc tệp .yaml, như compare "
                                                       "đọc): so từng hạn chế kỳ trước với kỳ này, cảnh báo khi tự "
                                                       "nhận 'đã khắc phục' mà vẫn còn.")] = None,
    force: ForceOutputOption = False,
) -> None:
    """Chấm cả chi bộ từ một bảng tính hoặc một thư mục, in bảng tổng hợp và ghi báo cáo."""
    import gc

    # A short-lived process holding millions of acyclic objects: the cycle collector only costs time.
    gc.disable()
    with guard():
        from tusoi_cli.api import batch_meeting, check_input, load_rubric, read_batch, sort_by_name, summarize
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError

        if not source.exists() and not source.is_symlink():
            raise UsageError(f"không tìm thấy '{source}'")
        if not source.is_dir():
            check_input(source)
        if ky_truoc is not None and not ky_truoc.is_dir():
            check_input(ky_truoc, "kỳ trước")
        target = None
        if output is not None or fmt is not None:
            target = cli_output.plan(output, fmt.value if fmt else None, force=force,
                                     inputs=[source, *([Path(rubric)] if Path(rubric).is_file() else []),
                                             *([ky_truoc] if ky_truoc is not None else [])],
                                     extensions=_BATCH_OUTPUTS, binary=frozenset({"xlsx"}))
        chosen = load_rubric(rubric)
        if not chosen.levels:
            raise UsageError(f"bộ tiêu chí '{chosen.id}' không có mức xếp loại nên không chấm điểm được")
        batch = with_progress(lambda progress: read_batch(source, chosen, sheet=sheet, strict=strict,
                                                          progress=progress), "Đang chấm")
        if ky_truoc is not None:
            from tusoi_cli.api import follow_previous_batch, read_previous

            previous = read_previous(ky_truoc, chosen)
            follow_previous_batch(batch, previous)
            batch.problems[:0] = previous.problems
        if sort is SortOrder.ten:
            sort_by_name(batch)
        report(batch.problems)
        warn(batch.warnings)
        if ky_truoc is not None:
            from tusoi_cli.api import carry_warnings as found_warnings

            carry_warnings(found_warnings(batch))
        summary = summarize(batch)
        meeting = batch_meeting(batch, exceptional=bool(exceptional))
        if target is not None and target.fmt == "xlsx":
            from tusoi_cli.render.excel.report import MAX_MEMBERS
            from tusoi_cli.text import thousands

            if len(batch.members) > MAX_MEMBERS:
                raise UsageError(f"báo cáo Excel có tối đa {thousands(MAX_MEMBERS)} đảng viên (mỗi người một dòng, "
                                 f"giới hạn dòng của Excel); bảng này có {thousands(len(batch.members))} người — "
                                 "ghi ra .csv hoặc .json, hoặc tách bảng theo chi bộ, đảng bộ")
        if target is not None:
            _write_batch(batch, summary, target.path, target.fmt, meeting)
        from tusoi_cli.render.terminal import batch_summary

        # with the results on standard output, the summary goes to stderr so the output stays parseable
        from tusoi_cli.render.vote_terminal import batch_meeting_view

        shown = stderr() if target is not None and target.path is None else stdout()
        shown.print(batch_summary(batch, summary))
        view = batch_meeting_view(batch, *meeting)
        if view is not None:
            shown.print(view)
        if target is not None and target.path is not None:
            stderr().print(f"Đã ghi {target.path}", style="green", markup=False)
        if batch.problems or batch.failed_rows:
            raise typer.Exit(ExitCode.INPUT)


def _write_batch(batch: BatchResult, summary: BatchSummary, output: Path | None, fmt: str,
                 meeting: tuple[QuotaResult | None, dict[str, list[str]]] | None = None) -> None:
    """Write the batch as ``fmt`` to ``output`` (None: standard output, text formats only)."""
    from tusoi_cli.output import write_atomic

    if fmt == "xlsx":
        from tusoi_cli.render.excel.report import write_report

        assert output is not None
        write_report(output, batch, tool_version=__version__)
        return
    if fmt == "csv":
        from tusoi_cli.render.csvfile import batch_csv

        chunks = batch_csv(batch)
    else:
        from tusoi_cli.render.data import batch_json

        chunks = batch_json(batch, summary, meeting=meeting)  # already made safe to show (json_text), piece by piece
    if output is not None:
        write_atomic(output, chunks)
        return
    for number, chunk in enumerate(chunks):
        text = chunk.decode("utf-8")
        sys.stdout.write(text.removeprefix("\ufeff") if number == 0 else text)  # no BOM in a pipe
        if getattr(sys.stdout, "gone", False):  # the reader closed the pipe: no use rendering the rest
            break
    sys.stdout.flush()
