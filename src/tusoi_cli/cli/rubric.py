"""``tusoi rubric list|show|check``: the bundled rubrics, one rubric in detail, a rubric file checked."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tusoi_cli.cli.errors import guard, stdout

rubric_app = typer.Typer(help="Xem và kiểm tra bộ tiêu chí.", no_args_is_help=True,
                         options_metavar="[TÙY CHỌN]", subcommand_metavar="LỆNH [ĐỐI SỐ]...",
                         context_settings={"help_option_names": ["-h", "--help"]})


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@rubric_app.command("list", options_metavar="[TÙY CHỌN]")
def rubric_list(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Liệt kê các bộ tiêu chí có sẵn."""
    with guard():
        from tusoi_cli.api import bundled_ids, load_rubric

        rubrics = [load_rubric(rid) for rid in bundled_ids()]
        if fmt is ListFormat.json:
            from tusoi_cli.render.data import to_json
            from tusoi_cli.render.safe import json_text

            sys.stdout.write(json_text(to_json([{"id": r.id, "version": r.version, "title": r.title,
                                       "items": sum(len(s.items) for s in r.sections),
                                       "sections": [s.id for s in r.sections], "includes": r.includes,
                                       "scorable": bool(r.levels),
                                       "documents": [d.model_dump(mode="json") for d in r.documents]}
                                      for r in rubrics])))
            return
        from rich.table import Table
        from rich.text import Text

        # 80 columns: the title gets the room; version under the id, sections beside the item count
        table = Table(title="Các bộ tiêu chí có sẵn", title_justify="left")
        table.add_column("Mã · phiên bản", no_wrap=True)
        table.add_column("Tên", ratio=1)
        table.add_column("Mục (phần)")
        table.add_column("Chấm điểm")
        for r in rubrics:
            title = Text(r.title)
            for d in r.documents:
                if d.effective_to is not None:
                    title.append(f"\n{d.document or d.rubric} hết hiệu lực sau {d.effective_to:%d/%m/%Y}",
                                 style="yellow")
            table.add_row(f"{r.id}\nbản {r.version}", title,
                          f"{sum(len(s.items) for s in r.sections)} ({', '.join(s.id for s in r.sections)})",
                          "có" if r.levels else "không: danh mục")
        stdout().print(table)


@rubric_app.command("show", options_metavar="[TÙY CHỌN]")
def rubric_show(
    rubric: Annotated[str, typer.Argument(help="Mã bộ tiêu chí có sẵn hoặc đường dẫn tệp .yaml.",
                                          metavar="MÃ|TỆP")] = "tusoi-mac-dinh",
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table hoặc json.")] = ListFormat.table,
) -> None:
    """Xem các phần, các mục (theo đúng số thứ tự văn bản gốc), mức xếp loại và giới hạn của một bộ tiêu chí."""
    with guard():
        from tusoi_cli.api import load_rubric

        loaded = load_rubric(rubric)
        if fmt is ListFormat.json:
            from tusoi_cli.render.data import to_json
            from tusoi_cli.render.safe import json_text

            sys.stdout.write(json_text(to_json(loaded.model_dump(mode="json"))))
            return
        from tusoi_cli.render.terminal import rubric_table

        stdout().print(rubric_table(loaded))


@rubric_app.command("check", options_metavar="[TÙY CHỌN]")
def rubric_check(
    file: Annotated[Path, typer.Argument(help="Tệp bộ tiêu chí (.yaml) cần kiểm tra.", metavar="TỆP")],
) -> None:
    """Kiểm tra một tệp bộ tiêu chí; mỗi lỗi ghi rõ dòng, cột và cách sửa."""
    with guard():
        from tusoi_cli.api import check_input, load_rubric_file

        check_input(file)
        loaded = load_rubric_file(file)
        items = sum(len(s.items) for s in loaded.sections)
        unverified = [i.id for s in loaded.sections for i in s.items if not i.verified]
        say = stdout(soft_wrap=True)
        say.print(f"{file}: hợp lệ — {len(loaded.sections)} phần, {items} mục, {len(loaded.levels)} mức xếp loại, "
                  f"{len(loaded.caps)} giới hạn.", markup=False)
        if not loaded.levels:
            say.print("Lưu ý: không có mức xếp loại (levels) nên chỉ dùng được làm danh mục để include.", markup=False)
        if unverified:
            say.print(f"Lưu ý: {len(unverified)} mục chưa đối chiếu với văn bản gốc: {', '.join(unverified)}.",
                      markup=False)
