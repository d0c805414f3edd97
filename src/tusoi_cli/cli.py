"""The ``tusoi`` command: parse options, call the library, render. No scoring logic lives here."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .cli_messages import install_lazily as _install_vietnamese_messages

_install_vietnamese_messages()

if TYPE_CHECKING:
    from rich.console import Console

    from .api import Scored
    from .errors import Problem

app = typer.Typer(
    name="tusoi",
    help="Chấm điểm bản tự đánh giá [bold]\"tự soi, tự sửa\"[/bold] của đảng viên theo 27 biểu hiện "
         "(Nghị quyết 04-NQ/TW) và 19 điều đảng viên không được làm (Quy định 37-QĐ/TW).",
    epilog="Mã thoát: 0 thành công · 1 có dữ liệu đầu vào không hợp lệ · 2 gọi lệnh sai "
           "(thiếu tệp, tùy chọn sai, không ghi đè) · 3 có đảng viên dưới mức --fail-below.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [ĐỐI SỐ]...",
)
rubric_app = typer.Typer(help="Xem và kiểm tra bộ tiêu chí.", no_args_is_help=True,
                         options_metavar="[TÙY CHỌN]", subcommand_metavar="LỆNH [ĐỐI SỐ]...",
                         context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(rubric_app, name="rubric")

_state = {"debug": False}


class Format(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"
    md = "md"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _report(problems: list[Problem]) -> None:
    """One line per problem for pipes and scripts; on a terminal, wrapped at word boundaries with the
    location kept whole on the first line (a terminal would cut it mid-syllable)."""
    console = _stderr()
    if not console.is_terminal:
        for problem in problems:
            console.print(str(problem), markup=False, style="red")
        return
    from .render.terminal import problem_lines

    for problem in problems:
        for line in problem_lines(problem, console.width):
            console.print(line, markup=False, style="red", overflow="ignore", crop=False)


@contextmanager
def _guard() -> Iterator[None]:
    """The one place where library errors become messages on stderr and exit codes."""
    from .errors import InputError, TusoiError

    try:
        yield
    except typer.Exit:
        raise
    except InputError as exc:
        _report(exc.problems)
        raise typer.Exit(exc.exit_code) from None
    except TusoiError as exc:
        _stderr().print(f"lỗi: {exc}", markup=False, style="red")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _stderr().print("Đã dừng.", style="yellow")
        raise typer.Exit(130) from None
    except Exception as exc:
        if _state["debug"]:
            raise
        _stderr().print(f"lỗi không mong đợi: {type(exc).__name__}: {exc} — chạy lại với --debug để xem chi tiết "
                        "và báo lỗi cho người phát triển", markup=False, style="red")
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tusoi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="In phiên bản rồi thoát.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Hiện traceback khi có lỗi không mong đợi.")] = False,
) -> None:
    _state["debug"] = debug


@app.command("score", options_metavar="[TÙY CHỌN]")
def score_cmd(
    files: Annotated[list[str], typer.Argument(help="Tệp tự đánh giá (.yaml); '-' để đọc từ đầu vào chuẩn.",
                                               metavar="TỆP...", show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Dạng kết quả: table, json, yaml hoặc md.")
                   ] = Format.table,
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                               help="Bộ tiêu chí (mã có sẵn hoặc tệp .yaml); mặc định lấy theo "
                                                    "trường bo_tieu_chi của từng tệp.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Coi mục chưa trả lời là lỗi.")] = False,
    fail_below: Annotated[str | None, typer.Option("--fail-below", metavar="MỨC",
                                                   help="Thoát với mã 3 nếu có đảng viên xếp loại dưới MỨC "
                                                        "(ví dụ kha).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="TỆP",
                                                help="Ghi kết quả vào TỆP thay vì in ra màn hình.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè TỆP kết quả đã có.")] = False,
) -> None:
    """Chấm điểm một hay nhiều tệp tự đánh giá và giải thích vì sao được mức đó."""
    with _guard():
        from .api import score_file
        from .errors import InputError, UsageError
        from .inputs import check_input
        from .output import check_target
        from .rubric_loader import load_rubric, match_level
        from .yaml_reader import MAX_BYTES

        missing = [f for f in files if f != "-" and not Path(f).exists() and not Path(f).is_symlink()]
        if missing:
            raise UsageError("không tìm thấy tệp " + ", ".join(f"'{m}'" for m in missing))
        for f in files:  # a pipe (FIFO, <(…), /dev/stdin) is read like '-'; a folder or a device is named
            if f != "-":
                check_input(Path(f))
        if files.count("-") > 1:
            raise UsageError("chỉ được đọc đầu vào chuẩn ('-') một lần")
        rubric_files = [Path(rubric)] if rubric and Path(rubric).is_file() else []
        if output is not None:
            check_target(output, force=force, inputs=[*(Path(f) for f in files if f != "-"), *rubric_files])
        chosen = load_rubric(rubric) if rubric else None
        # read one byte more than a member file may hold, so an endless stream is refused, not swallowed
        stdin_bytes = sys.stdin.buffer.read(MAX_BYTES + 1) if "-" in files else None

        scored: list[Scored] = []
        problems: list[Problem] = []
        for name in files:
            try:
                item = score_file(None if name == "-" else name, rubric=chosen, strict=strict,
                                  stdin_bytes=stdin_bytes)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
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

        _report(problems)
        for item in scored:
            for note in item.notes:
                _stderr().print(f"Lưu ý: {note}", markup=False, style="yellow")
        if scored:
            _emit(scored, fmt, output)
        if unrated:
            _stderr().print(f"--fail-below bỏ qua {unrated} đảng viên không được xếp loại (miễn hoặc chưa kiểm "
                            "điểm)", markup=False, style="yellow")
        if problems:
            raise typer.Exit(1)
        if below:
            _stderr().print(f"{len(below)} đảng viên xếp loại dưới mức {wanted_label}: "
                            + ", ".join(i.result.ho_ten for i in below), markup=False, style="yellow")
            raise typer.Exit(3)


def _emit(scored: list[Scored], fmt: Format, output: Path | None) -> None:
    """Tables go to the terminal with colours; everything else, and any output file, as text."""
    if fmt is Format.table and output is None:
        from rich.console import Console

        from .render.terminal import print_results

        print_results(Console(highlight=False), [(s.result, s.rubric) for s in scored])
        return
    text = _render_text(scored, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from .output import write_atomic

        write_atomic(output, text.encode("utf-8"))


def _render_text(scored: list[Scored], fmt: Format) -> str:
    if fmt in (Format.json, Format.yaml):
        from .render.data import result_dict, to_json, to_yaml

        dicts = [result_dict(s.result, s.problems) for s in scored]
        payload: Any = dicts[0] if len(dicts) == 1 else dicts
        return to_json(payload) if fmt is Format.json else to_yaml(payload)
    pairs = [(s.result, s.rubric) for s in scored]
    if fmt is Format.md:
        from .render.markdown import results_markdown

        return results_markdown(pairs)
    import io

    from rich.console import Console

    from .render.terminal import print_results

    buffer = io.StringIO()  # a table written to a file: plain text, fixed width
    print_results(Console(file=buffer, width=120, color_system=None, force_terminal=False, highlight=False), pairs)
    return buffer.getvalue()


class SortOrder(StrEnum):
    nhap = "nhap"
    ten = "ten"


_BATCH_OUTPUTS = (".xlsx", ".csv", ".json")


@app.command("batch", options_metavar="[TÙY CHỌN]")
def batch_cmd(
    source: Annotated[Path, typer.Argument(help="Bảng tính của chi bộ (.xlsx, .xls, .ods, .csv) hoặc thư mục "
                                                "chứa các tệp tự đánh giá .yaml.", metavar="ĐẦU_VÀO",
                                           show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="TỆP",
                                                help="Tệp kết quả: .xlsx (báo cáo in được), .csv hoặc .json. "
                                                     "Bỏ trống thì chỉ in bảng tổng hợp.")] = None,
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
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè TỆP kết quả đã có.")] = False,
) -> None:
    """Chấm cả chi bộ từ một bảng tính hoặc một thư mục, in bảng tổng hợp và ghi báo cáo."""
    import gc

    # A short-lived process holding millions of acyclic objects: the cycle collector only costs time.
    gc.disable()
    with _guard():
        from .batch import read_batch, sort_by_name
        from .errors import UsageError
        from .inputs import check_input
        from .output import check_target
        from .rubric_loader import load_rubric

        if not source.is_dir():
            check_input(source)
        if output is not None:
            if output.suffix.lower() not in _BATCH_OUTPUTS:
                raise UsageError(f"không ghi được dạng '{output.suffix or output.name}' — dùng tệp .xlsx, .csv "
                                 "hoặc .json")
            check_target(output, force=force,
                         inputs=[source, *([Path(rubric)] if Path(rubric).is_file() else [])])
        chosen = load_rubric(rubric)
        if not chosen.levels:
            raise UsageError(f"bộ tiêu chí '{chosen.id}' không có mức xếp loại nên không chấm điểm được")
        batch = _with_progress(lambda progress: read_batch(source, chosen, sheet=sheet, strict=strict,
                                                           progress=progress))
        if sort is SortOrder.ten:
            sort_by_name(batch)
        _report(batch.problems)
        if output is not None:
            _write_batch(batch, output)
        from rich.console import Console

        from .render.terminal import batch_summary

        Console(highlight=False).print(batch_summary(batch))
        if output is not None:
            _stderr().print(f"Đã ghi {output}", style="green")
        if batch.problems or batch.failed_rows:
            raise typer.Exit(1)


def _with_progress(work: Any) -> Any:
    """Run ``work(progress)`` with a progress bar on stderr when the terminal can show one."""
    if not sys.stderr.isatty():
        return work(None)
    from rich.progress import Progress

    with Progress(console=_stderr(), transient=True) as bar:
        task = bar.add_task("Đang chấm", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return work(advance)


def _write_batch(batch: Any, output: Path) -> None:
    from .output import write_atomic

    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        from .render.excel import write_report

        write_report(output, batch, tool_version=__version__)
    elif suffix == ".csv":
        from .render.csvfile import batch_csv

        write_atomic(output, batch_csv(batch))
    else:
        from .render.data import batch_json

        write_atomic(output, batch_json(batch))


@rubric_app.command("list", options_metavar="[TÙY CHỌN]")
def rubric_list(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Liệt kê các bộ tiêu chí có sẵn."""
    with _guard():
        from .rubric_loader import bundled_ids, load_rubric

        rubrics = [load_rubric(rid) for rid in bundled_ids()]
        if fmt is ListFormat.json:
            from .render.data import to_json

            sys.stdout.write(to_json([{"id": r.id, "version": r.version, "title": r.title,
                                       "items": sum(len(s.items) for s in r.sections),
                                       "sections": [s.id for s in r.sections], "includes": r.includes,
                                       "scorable": bool(r.levels)} for r in rubrics]))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Các bộ tiêu chí có sẵn", title_justify="left")
        table.add_column("Mã", no_wrap=True)
        table.add_column("Tên")
        table.add_column("Phiên bản")
        table.add_column("Số mục", justify="right")
        table.add_column("Phần")
        table.add_column("Chấm điểm được")
        for r in rubrics:
            table.add_row(r.id, r.title, r.version, str(sum(len(s.items) for s in r.sections)),
                          ", ".join(s.id for s in r.sections), "có" if r.levels else "không (chỉ là danh mục)")
        Console(highlight=False).print(table)


@rubric_app.command("show", options_metavar="[TÙY CHỌN]")
def rubric_show(
    rubric: Annotated[str, typer.Argument(help="Mã bộ tiêu chí có sẵn hoặc đường dẫn tệp .yaml.",
                                          metavar="MÃ|TỆP")] = "tusoi-mac-dinh",
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Xem các phần, các mục (theo đúng số thứ tự văn bản gốc), mức xếp loại và giới hạn của một bộ tiêu chí."""
    with _guard():
        from .rubric_loader import load_rubric

        loaded = load_rubric(rubric)
        if fmt is ListFormat.json:
            from .render.data import to_json

            sys.stdout.write(to_json(loaded.model_dump(mode="json")))
            return
        from rich.console import Console

        from .render.terminal import rubric_table

        Console(highlight=False).print(rubric_table(loaded))


@rubric_app.command("check", options_metavar="[TÙY CHỌN]")
def rubric_check(
    file: Annotated[Path, typer.Argument(help="Tệp bộ tiêu chí (.yaml) cần kiểm tra.", metavar="TỆP")],
) -> None:
    """Kiểm tra một tệp bộ tiêu chí; mỗi lỗi ghi rõ dòng, cột và cách sửa."""
    with _guard():
        from .inputs import check_input
        from .rubric_loader import load_rubric_file

        check_input(file)
        loaded = load_rubric_file(file)
        items = sum(len(s.items) for s in loaded.sections)
        unverified = [i.id for s in loaded.sections for i in s.items if not i.verified]
        typer.echo(f"{file}: hợp lệ — {len(loaded.sections)} phần, {items} mục, {len(loaded.levels)} mức xếp loại, "
                   f"{len(loaded.caps)} giới hạn.")
        if not loaded.levels:
            typer.echo("Lưu ý: không có mức xếp loại (levels) nên chỉ dùng được làm danh mục để include.")
        if unverified:
            typer.echo(f"Lưu ý: {len(unverified)} mục chưa đối chiếu với văn bản gốc: {', '.join(unverified)}.")


# Commands that live in their own modules register here (one import each; the modules import
# nothing heavy at top level).
from .cli_compare import compare_cmd  # noqa: E402

app.command("compare", options_metavar="[TÙY CHỌN]")(compare_cmd)
from .cli_template import schema_cmd, template_app  # noqa: E402

app.add_typer(template_app, name="template")
app.command("schema", options_metavar="[TÙY CHỌN]")(schema_cmd)


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in {"utf-8", "utf8"}:
            reconfigure(encoding="utf-8", errors="replace")
    app()
