"""The ``tusoi`` command: the app, its global options, the commands (one module each) and ``main``.

No scoring logic lives here: commands call :mod:`tusoi_cli.api` and render with :mod:`tusoi_cli.render`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tusoi_cli.cli.messages import install_lazily as _install_vietnamese_messages
from tusoi_cli.version import __version__

_install_vietnamese_messages()

from tusoi_cli.cli import batch, compare, kiem_diem, rollup, rubric, score, template, vote  # noqa: E402  (after the messages)
from tusoi_cli.cli.errors import ExitCode, state, stderr  # noqa: E402

app = typer.Typer(
    name="tusoi",
    help="Chấm điểm bản tự đánh giá [bold]\"tự soi, tự sửa\"[/bold] của đảng viên theo 27 biểu hiện "
         "(Nghị quyết 04-NQ/TW ngày 30/10/2016) và 19 điều đảng viên không được làm (Quy định 37-QĐ/TW).",
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
    state["debug"] = debug


# One module per command; each imports nothing heavy at top level. Commands first, then the groups
# (the order `tusoi --help` lists them in).
app.command("score", options_metavar="[TÙY CHỌN]")(score.score_cmd)
app.command("batch", options_metavar="[TÙY CHỌN]")(batch.batch_cmd)
app.command("compare", options_metavar="[TÙY CHỌN]")(compare.compare_cmd)
app.command("tong-hop", options_metavar="[TÙY CHỌN]")(rollup.rollup_cmd)
app.command("bieu-quyet", options_metavar="[TÙY CHỌN]")(vote.vote_cmd)
app.command("kiem-diem", options_metavar="[TÙY CHỌN]")(kiem_diem.kiem_diem_cmd)
app.command("schema", options_metavar="[TÙY CHỌN]")(template.schema_cmd)
app.add_typer(rubric.rubric_app, name="rubric")
app.add_typer(template.template_app, name="template")

__all__ = ["app", "main"]


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
            stderr().print(f"lỗi: {exc}", markup=False, style="red")
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:  # Ctrl-C before a command started: nothing written yet
            stderr().print("Đã dừng.", style="yellow", markup=False)
            raise SystemExit(ExitCode.INTERRUPTED) from None
