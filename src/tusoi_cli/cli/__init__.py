"""The ``tusoi`` command: parse options, call the library, render. No scoring logic lives here."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tusoi_cli import __version__
from tusoi_cli.cli.messages import install_lazily as _install_vietnamese_messages

_install_vietnamese_messages()

if TYPE_CHECKING:
    from rich.console import Console

    from tusoi_cli.api import Scored
    from tusoi_cli.errors import Problem

app = typer.Typer(
    name="tusoi",
    help="Chấm điểm bản tự đánh giá [bold]\"tự soi, tự sửa\"[/bold] của đảng viên theo 27 biểu hiện "
         "(Nghị quyết 04-NQ/TW) và 19 điều đảng viên không được làm (Quy định 37-QĐ/TW).",
    epilog="Mã thoát: 0 thành công · 1 có dữ liệu đầu vào không hợp lệ · 2 gọi lệnh sai "
           "(thiếu tệp, tùy chọn sai, không ghi đè) · 3 có đảng viên dưới mức --fail-below · 130 bị dừng "
           "(Ctrl-C, SIGTERM, SIGHUP).",
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
    from tusoi_cli.streams import console

    return console(stderr=True, soft_wrap=True)


def _stdout(**options: Any) -> Console:
    """The console for results on standard output (or a file): text from inputs cannot act on a terminal."""
    from tusoi_cli.streams import console

    return console(**options)


def _report(problems: list[Problem]) -> None:
    """One line per problem for pipes and scripts; on a terminal, wrapped at word boundaries with the
    location kept whole on the first line (a terminal would cut it mid-syllable)."""
    console = _stderr()
    if not console.is_terminal:
        for problem in problems:
            console.print(str(problem), markup=False, style="red")
        return
    from tusoi_cli.render.terminal import problem_lines

    for problem in problems:
        for line in problem_lines(problem, console.width):
            console.print(line, markup=False, style="red", overflow="ignore", crop=False)


@contextmanager
def _guard() -> Iterator[None]:
    """The one place where library errors become messages on stderr and exit codes; it also guards the
    standard streams and signals for the command (see streams.session) and starts a new output run."""
    from tusoi_cli import streams
    from tusoi_cli.errors import InputError, TusoiError, UsageError
    from tusoi_cli.output import begin_run

    begin_run()
    with streams.session():
        try:
            yield
            streams.flush_stdout()
        except typer.Exit:
            try:
                streams.flush_stdout()
            except UsageError as exc:
                _stderr().print(f"lỗi: {exc}", markup=False, style="red")
                raise typer.Exit(exc.exit_code) from None
            raise
        except InputError as exc:
            _report(exc.problems)
            raise typer.Exit(exc.exit_code) from None
        except TusoiError as exc:
            _stderr().print(f"lỗi: {exc}", markup=False, style="red")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            signal_name = f" ({exc.args[0]})" if isinstance(exc, streams.Interrupted) and exc.args else ""
            _stderr().print(f"Đã dừng{signal_name}.", style="yellow", markup=False)
            raise typer.Exit(130) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            _stderr().print(f"lỗi không mong đợi: {type(exc).__name__}: {exc} — chạy lại với --debug để xem chi "
                            "tiết và báo lỗi cho người phát triển", markup=False, style="red")
            raise typer.Exit(1) from None
        finally:
            begin_run()  # the command is over: stop noting the files read (matters to in-process callers)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"tusoi {__version__}\n")
        sys.stdout.flush()  # a full standard output is reported (see main), not lost
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
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè TỆP kết quả đã có.")] = False,
) -> None:
    """Chấm điểm một hay nhiều tệp tự đánh giá và giải thích vì sao được mức đó."""
    with _guard():
        from tusoi_cli.api import score_file
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import InputError, UsageError
        from tusoi_cli.read.inputs import check_input
        from tusoi_cli.read.rubric_loader import load_rubric, match_level
        from tusoi_cli.read.yaml_reader import MAX_BYTES
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
        target = cli_output.plan(output, fmt.value if fmt else None, force=force,
                                 inputs=[*(Path(f) for f in files if f != "-"), *rubric_files],
                                 extensions=_SCORE_OUTPUTS, default=Format.table.value)
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
            _emit(scored, Format(target.fmt), target.path)
        if unrated:
            _stderr().print(f"--fail-below bỏ qua {unrated} đảng viên không được xếp loại (miễn hoặc chưa kiểm "
                            "điểm)", markup=False, style="yellow")
        if problems:
            raise typer.Exit(1)
        if below:
            _stderr().print(f"{len(below)} đảng viên xếp loại dưới mức {wanted_label}: "
                            + ", ".join(i.result.ho_ten for i in below), markup=False, style="yellow")
            raise typer.Exit(3)


_SCORE_OUTPUTS = {".txt": "table", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".md": "md",
                  ".markdown": "md"}


def _emit(scored: list[Scored], fmt: Format, output: Path | None) -> None:
    """Tables go to the terminal with colours; everything else, and any output file, as text."""
    if fmt is Format.table and output is None:
        from tusoi_cli.render.terminal import print_results

        print_results(_stdout(), [(s.result, s.rubric) for s in scored])
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

        dicts = [result_dict(s.result, s.problems) for s in scored]
        payload: Any = dicts[0] if len(dicts) == 1 else dicts
        return json_text(to_json(payload)) if fmt is Format.json else to_yaml(yaml_payload(payload))
    pairs = [(s.result, s.rubric) for s in scored]
    if fmt is Format.md:
        from tusoi_cli.render.markdown import results_markdown

        return results_markdown(pairs)
    import io

    from tusoi_cli.render.terminal import print_results

    buffer = io.StringIO()  # a table written to a file: plain text, fixed width
    print_results(_stdout(file=buffer, width=120, color_system=None, force_terminal=False), pairs)
    return buffer.getvalue()


class SortOrder(StrEnum):
    nhap = "nhap"
    ten = "ten"


_BATCH_OUTPUTS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}


class BatchFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


@app.command("batch", options_metavar="[TÙY CHỌN]")
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
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè TỆP kết quả đã có.")] = False,
) -> None:
    """Chấm cả chi bộ từ một bảng tính hoặc một thư mục, in bảng tổng hợp và ghi báo cáo."""
    import gc

    # A short-lived process holding millions of acyclic objects: the cycle collector only costs time.
    gc.disable()
    with _guard():
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError
        from tusoi_cli.read.batch import read_batch, sort_by_name
        from tusoi_cli.read.inputs import check_input
        from tusoi_cli.read.rubric_loader import load_rubric

        if not source.exists() and not source.is_symlink():
            raise UsageError(f"không tìm thấy '{source}'")
        if not source.is_dir():
            check_input(source)
        target = None
        if output is not None or fmt is not None:
            target = cli_output.plan(output, fmt.value if fmt else None, force=force,
                                     inputs=[source, *([Path(rubric)] if Path(rubric).is_file() else [])],
                                     extensions=_BATCH_OUTPUTS, binary=frozenset({"xlsx"}))
        chosen = load_rubric(rubric)
        if not chosen.levels:
            raise UsageError(f"bộ tiêu chí '{chosen.id}' không có mức xếp loại nên không chấm điểm được")
        batch = _with_progress(lambda progress: read_batch(source, chosen, sheet=sheet, strict=strict,
                                                           progress=progress))
        if sort is SortOrder.ten:
            sort_by_name(batch)
        _report(batch.problems)
        if target is not None:
            _write_batch(batch, target.path, target.fmt)
        from tusoi_cli.render.terminal import batch_summary

        # with the results on standard output, the summary goes to stderr so the output stays parseable
        (_stderr() if target is not None and target.path is None else _stdout()).print(batch_summary(batch))
        if target is not None and target.path is not None:
            _stderr().print(f"Đã ghi {target.path}", style="green", markup=False)
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


def _write_batch(batch: Any, output: Path | None, fmt: str) -> None:
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
        from tusoi_cli.render.safe import json_text

        chunks = (json_text(piece.decode("utf-8")).encode("utf-8") for piece in batch_json(batch))
    if output is not None:
        write_atomic(output, chunks)
        return
    for number, chunk in enumerate(chunks):
        text = chunk.decode("utf-8")
        sys.stdout.write(text.removeprefix("\ufeff") if number == 0 else text)  # no BOM in a pipe
        if getattr(sys.stdout, "gone", False):  # the reader closed the pipe: no use rendering the rest
            break
    sys.stdout.flush()


@rubric_app.command("list", options_metavar="[TÙY CHỌN]")
def rubric_list(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Liệt kê các bộ tiêu chí có sẵn."""
    with _guard():
        from tusoi_cli.read.rubric_loader import bundled_ids, load_rubric

        rubrics = [load_rubric(rid) for rid in bundled_ids()]
        if fmt is ListFormat.json:
            from tusoi_cli.render.data import to_json
            from tusoi_cli.render.safe import json_text

            sys.stdout.write(json_text(to_json([{"id": r.id, "version": r.version, "title": r.title,
                                       "items": sum(len(s.items) for s in r.sections),
                                       "sections": [s.id for s in r.sections], "includes": r.includes,
                                       "scorable": bool(r.levels)} for r in rubrics])))
            return
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
        _stdout().print(table)


@rubric_app.command("show", options_metavar="[TÙY CHỌN]")
def rubric_show(
    rubric: Annotated[str, typer.Argument(help="Mã bộ tiêu chí có sẵn hoặc đường dẫn tệp .yaml.",
                                          metavar="MÃ|TỆP")] = "tusoi-mac-dinh",
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Xem các phần, các mục (theo đúng số thứ tự văn bản gốc), mức xếp loại và giới hạn của một bộ tiêu chí."""
    with _guard():
        from tusoi_cli.read.rubric_loader import load_rubric

        loaded = load_rubric(rubric)
        if fmt is ListFormat.json:
            from tusoi_cli.render.data import to_json
            from tusoi_cli.render.safe import json_text

            sys.stdout.write(json_text(to_json(loaded.model_dump(mode="json"))))
            return
        from tusoi_cli.render.terminal import rubric_table

        _stdout().print(rubric_table(loaded))


@rubric_app.command("check", options_metavar="[TÙY CHỌN]")
def rubric_check(
    file: Annotated[Path, typer.Argument(help="Tệp bộ tiêu chí (.yaml) cần kiểm tra.", metavar="TỆP")],
) -> None:
    """Kiểm tra một tệp bộ tiêu chí; mỗi lỗi ghi rõ dòng, cột và cách sửa."""
    with _guard():
        from tusoi_cli.read.inputs import check_input
        from tusoi_cli.read.rubric_loader import load_rubric_file

        check_input(file)
        loaded = load_rubric_file(file)
        items = sum(len(s.items) for s in loaded.sections)
        unverified = [i.id for s in loaded.sections for i in s.items if not i.verified]
        say = _stdout(soft_wrap=True)
        say.print(f"{file}: hợp lệ — {len(loaded.sections)} phần, {items} mục, {len(loaded.levels)} mức xếp loại, "
                  f"{len(loaded.caps)} giới hạn.", markup=False)
        if not loaded.levels:
            say.print("Lưu ý: không có mức xếp loại (levels) nên chỉ dùng được làm danh mục để include.", markup=False)
        if unverified:
            say.print(f"Lưu ý: {len(unverified)} mục chưa đối chiếu với văn bản gốc: {', '.join(unverified)}.",
                      markup=False)


# Commands that live in their own modules register here (one import each; the modules import
# nothing heavy at top level).
from tusoi_cli.cli.compare import compare_cmd  # noqa: E402

app.command("compare", options_metavar="[TÙY CHỌN]")(compare_cmd)
from tusoi_cli.cli.template import schema_cmd, template_app  # noqa: E402

app.add_typer(template_app, name="template")
app.command("schema", options_metavar="[TÙY CHỌN]")(schema_cmd)


def main() -> None:
    """Console-script entry point."""
    from tusoi_cli.errors import TusoiError
    from tusoi_cli.streams import reopen_closed_std_fds, session

    reopen_closed_std_fds()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in {"utf-8", "utf8"}:
            reconfigure(encoding="utf-8", errors="replace")
    # guarded here too, for what typer prints outside a command (help, usage errors, --version)
    with session(signals=False):
        try:
            app()
        except TusoiError as exc:  # only a write error on standard output gets here
            _stderr().print(f"lỗi: {exc}", markup=False, style="red")
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:  # Ctrl-C before a command started: nothing written yet
            _stderr().print("Đã dừng.", style="yellow", markup=False)
            raise SystemExit(130) from None
