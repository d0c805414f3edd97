"""``tusoi template member|sheet`` and ``tusoi schema``: blank forms to hand out, JSON Schemas for editors.

Registered by cli/__init__.py. Only typer and the standard library are imported here; the work (rubrics,
pydantic, openpyxl) is imported inside the commands so that ``tusoi --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tusoi_cli.cli.errors import guard, stderr
from tusoi_cli.cli.options import ChiBoOption, ForceOption, KyOption, RubricOption

if TYPE_CHECKING:
    from tusoi_cli.api import CarriedCell, CarriedForward
    from tusoi_cli.model import Rubric
    from tusoi_cli.model.people import Person

DEFAULT_SHEET = Path("bang-tu-danh-gia.xlsx")
DEFAULT_BALLOT = Path("phieu-bieu-quyet.xlsx")
_YAML_OUTPUTS = {".yaml": "yaml", ".yml": "yaml"}
DEFAULT_BLANK_ROWS = 30

template_app = typer.Typer(
    help="Tạo mẫu trống để phát cho đảng viên: tệp YAML có sẵn mọi mục, hoặc bảng tính .xlsx có danh sách "
         "chọn và trang hướng dẫn.",
    no_args_is_help=True, options_metavar="[TÙY CHỌN]", subcommand_metavar="LỆNH [ĐỐI SỐ]...",
    context_settings={"help_option_names": ["-h", "--help"]},
)



def _this_year() -> str:
    from datetime import date

    return str(date.today().year)


def _rubric_ref(loaded: Rubric, base: Path) -> str:
    """What the template's ``bo_tieu_chi`` says: the id of a bundled rubric, else the file's path
    relative to the folder the template is written to (where tusoi looks for it)."""
    import os

    from tusoi_cli.resources import bundled_dir

    path = Path(loaded.path)
    if path.parent == bundled_dir().resolve():
        return loaded.id
    try:
        return Path(os.path.relpath(path, base.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def _carried(path: Path) -> CarriedForward:
    """The previous period's member file, read; its problems are named (an item that could not be read is not
    carried), and the form is still written."""
    from tusoi_cli.api import carry_forward
    from tusoi_cli.cli.errors import report

    carried = carry_forward(path)
    if carried.problems:
        report(carried.problems)
        stderr().print(f"Lưu ý: tệp kỳ trước có {len(carried.problems)} lỗi ở trên; mục nào không đọc được thì "
                       "không được mang sang — sửa tệp kỳ trước rồi tạo lại mẫu.", style="yellow", markup=False)
    return carried


def _scorable(ref: str) -> Rubric:
    from tusoi_cli.api import load_rubric
    from tusoi_cli.errors import UsageError

    loaded = load_rubric(ref)
    if not loaded.levels:
        raise UsageError(f"bộ tiêu chí '{loaded.id}' chỉ là danh mục, không có mức xếp loại nên không chấm điểm "
                         "được — dùng tusoi-mac-dinh hoặc một bộ tiêu chí có `levels`")
    return loaded


@template_app.command("member", options_metavar="[TÙY CHỌN]")
def template_member(
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Ghi mẫu vào TỆP (.yaml) và lược đồ JSON bên cạnh; bỏ trống "
                                                    "hoặc '-' thì in ra đầu ra chuẩn (không có dòng $schema).")
                      ] = None,
    rubric: RubricOption = "tusoi-mac-dinh",
    ky: KyOption = None,
    chi_bo: ChiBoOption = None,
    ho_ten: Annotated[str | None, typer.Option("--ho-ten", metavar="TÊN", help="Họ và tên đảng viên.")] = None,
    no_schema: Annotated[bool, typer.Option("--no-schema", help="Không ghi tệp lược đồ JSON cạnh mẫu, không "
                                                                 "thêm dòng $schema.")] = False,
    ky_truoc: Annotated[Path | None, typer.Option("--ky-truoc", metavar="TỆP",
                                                  help="Tệp tự đánh giá kỳ trước (.yaml): mẫu mang sang các hạn chế "
                                                       "của kỳ đó (danh sách ky_truoc để ghi kết quả khắc phục), "
                                                       "thông tin đảng viên, và kỳ là năm sau.")] = None,
    force: ForceOption = False,
) -> None:
    """Mẫu tự đánh giá YAML: mọi mục của bộ tiêu chí với giá trị 0 và tên mục, có dòng $schema cho trình soạn thảo."""
    with guard():
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError
        from tusoi_cli.output import same_content, write_atomic
        from tusoi_cli.render.schema import member_schema_name, schema_text
        from tusoi_cli.render.templates import member_template

        if ky_truoc is not None:
            from tusoi_cli.api import check_input

            check_input(ky_truoc, "tệp kỳ trước")
        target = cli_output.plan(output, None, force=force, extensions=_YAML_OUTPUTS, default="yaml",
                                 inputs=[ky_truoc] if ky_truoc is not None else []).path
        loaded = _scorable(rubric)
        schema_name = None if no_schema else member_schema_name(loaded.id)
        base = target.parent if target is not None else Path.cwd()
        carried = _carried(ky_truoc) if ky_truoc is not None else None
        person = carried.result if carried is not None else None
        if carried is not None and carried.rubric.id != loaded.id:
            stderr().print(f"Lưu ý: kỳ trước chấm theo bộ tiêu chí '{carried.rubric.id}', mẫu này theo '{loaded.id}' "
                           "(--rubric); mã mục của hai bộ chỉ so được khi cùng văn bản (xem docs/compare.md).",
                           style="yellow", markup=False)
        # on standard output the schema file is not written, so the template must not point at it
        text = member_template(loaded, rubric_ref=_rubric_ref(loaded, base),
                               schema_name=schema_name if target is not None else None,
                               ky=ky or (carried.next_period if carried else None) or _this_year(),
                               ho_ten=ho_ten or (person.ho_ten if person else None),
                               chi_bo=chi_bo or (person.chi_bo if person else None),
                               ma_dang_vien=person.ma_dang_vien if person else None,
                               chuc_vu=person.chuc_vu if person else None,
                               carried=carried.items if carried else None,
                               previous_period=person.ky_danh_gia if person else None)
        if target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            if schema_name:
                stderr().print(f"Mẫu in ra đầu ra chuẩn không có dòng $schema (chưa có tệp lược đồ để trỏ tới). "
                                f"Lấy lược đồ cho trình soạn thảo: tusoi schema member --rubric {rubric} -o "
                                f"{schema_name}; hoặc ghi mẫu bằng -o TỆP.yaml để có cả tệp lược đồ lẫn dòng $schema.",
                                style="dim", markup=False)
            _exit_if_failed(carried)
            return
        schema_target = target.parent / schema_name if schema_name else None
        schema_bytes = b""
        if schema_target is not None:
            if os.path.realpath(schema_target) == os.path.realpath(target):
                raise UsageError(f"'{target}' trùng tên với tệp lược đồ — chọn tên khác cho -o")
            schema_bytes = schema_text("member", loaded).encode("utf-8")
            if schema_target.exists() and not schema_target.is_file():  # a pipe would hang the comparison below
                raise UsageError(f"'{schema_target}' (tệp lược đồ) không phải là một tệp thông thường — xóa nó, "
                                 "chọn tên khác cho -o, hoặc thêm --no-schema")
            if same_content(schema_target, schema_bytes):
                schema_target = None  # already there, unchanged
            elif schema_target.exists() and not force:
                raise UsageError(f"tệp lược đồ '{schema_target}' đã có và khác bản mới — thêm --force để ghi đè, "
                                 "hoặc --no-schema để không ghi")
        write_atomic(target, text.encode("utf-8"))
        if schema_target is not None:
            write_atomic(schema_target, schema_bytes, force=force)
        stderr().print(f"Đã ghi {target}" + (f" và {schema_target}" if schema_target is not None else ""),
                        style="green", markup=False)
        _exit_if_failed(carried)


def _exit_if_failed(carried: CarriedForward | None) -> None:
    """Exit 1 after writing the form when the previous period's file had problems (the valid parts were used)."""
    if carried is not None and carried.problems:
        from tusoi_cli.cli.errors import ExitCode

        raise typer.Exit(ExitCode.INPUT)


@template_app.command("sheet", options_metavar="[TÙY CHỌN]")
def template_sheet(
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help=f"Tệp .xlsx cần ghi; mặc định {DEFAULT_SHEET}.")] = None,
    rubric: RubricOption = "tusoi-mac-dinh",
    members: Annotated[Path | None, typer.Option("--members", metavar="TỆP",
                                                 help="Danh sách đảng viên: .txt mỗi dòng một họ tên, hoặc bảng "
                                                      "(.csv, .xlsx, .ods) có cột 'Họ và tên' (thêm 'Mã đảng viên', "
                                                      "'Chức vụ' nếu có).")] = None,
    chi_bo: ChiBoOption = None,
    ky: KyOption = None,
    rows: Annotated[int | None, typer.Option("--rows", min=0, metavar="SỐ",
                                             help=f"Số dòng trống thêm vào; mặc định {DEFAULT_BLANK_ROWS} khi không "
                                                  "có danh sách, 0 khi có.")] = None,
    ky_truoc: Annotated[Path | None, typer.Option("--ky-truoc", metavar="TỆP|THƯ_MỤC",
                                                  help="Bảng tính (hoặc thư mục, tệp .yaml) của kỳ trước: thêm hai "
                                                       "cột 'Hạn chế kỳ trước' và 'Kết quả khắc phục'; không có "
                                                       "--members thì danh sách đảng viên lấy từ kỳ trước.")] = None,
    force: ForceOption = False,
) -> None:
    """Bảng tính .xlsx cho cả chi bộ: danh sách chọn ở mọi ô, trang Hướng dẫn; điền xong đưa vào tusoi batch."""
    with guard():
        from tusoi_cli.api import check_input, read_people
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.render.excel.sheet_template import check_sheet_rubric, write_sheet_template
        from tusoi_cli.version import __version__

        if members is not None:
            check_input(members, "danh sách đảng viên")
        if ky_truoc is not None and not ky_truoc.is_dir():
            check_input(ky_truoc, "tệp kỳ trước")
        inputs = [p for p in (members, ky_truoc) if p is not None]
        planned = cli_output.plan(str(DEFAULT_SHEET) if output is None else output, None, force=force,
                                  inputs=inputs, extensions={".xlsx": "xlsx"}, binary=frozenset({"xlsx"}))
        assert planned.path is not None
        target = planned.path
        loaded = _scorable(rubric)
        check_sheet_rubric(loaded)
        people = read_people(members) if members is not None else []
        carried = _carried_cell(ky_truoc, loaded, people if members is not None else None) if ky_truoc else None
        if carried is not None:
            people = carried.people
            chi_bo = chi_bo or carried.chi_bo
            ky = ky or carried.next_period
        blank = rows if rows is not None else (0 if people else DEFAULT_BLANK_ROWS)
        write_sheet_template(target, loaded, people=people, blank_rows=blank, chi_bo=chi_bo, ky=ky or _this_year(),
                             tool_version=__version__, carry=carried is not None)
        detail = f"{len(people)} đảng viên" + (f", {blank} dòng trống" if blank else "") if people else \
            f"{blank} dòng trống"
        stderr().print(f"Đã ghi {target} ({detail}, {sum(len(s.items) for s in loaded.sections)} mục)",
                        style="green", markup=False)
        if carried is not None and carried.problems:
            from tusoi_cli.cli.errors import ExitCode

            raise typer.Exit(ExitCode.INPUT)


def _carried_cell(path: Path, rubric: Rubric, members: list[Person] | None) -> CarriedCell:
    """The previous period's people and open shortcomings; its problems and every member who could not be
    matched are named (never dropped silently)."""
    from tusoi_cli.api import carry_forward_cell
    from tusoi_cli.cli.errors import report

    carried = carry_forward_cell(path, rubric, members=members)
    if carried.problems:
        report(carried.problems)
        stderr().print(f"Lưu ý: kỳ trước có {len(carried.problems)} lỗi ở trên; ô nào không đọc được thì không "
                       "được mang sang — sửa bảng kỳ trước rồi tạo lại mẫu.", style="yellow", markup=False)
    if carried.not_found:
        stderr().print("Lưu ý: không tìm thấy ở kỳ trước (hai cột kỳ trước để trống, coi là chưa có thông tin): "
                       + ", ".join(carried.not_found), style="yellow", markup=False)
    if carried.left_out:
        stderr().print("Lưu ý: có ở kỳ trước nhưng không có trong --members (không có dòng trong mẫu): "
                       + ", ".join(carried.left_out), style="yellow", markup=False)
    return carried


@template_app.command("phieu", options_metavar="[TÙY CHỌN]")
def template_ballot(
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help=f"Tệp .xlsx cần ghi; mặc định {DEFAULT_BALLOT}.")] = None,
    members: Annotated[Path | None, typer.Option("--members", metavar="TỆP",
                                                 help="Danh sách đảng viên: .txt mỗi dòng một họ tên, hoặc bảng của "
                                                      "chi bộ (.xlsx, .ods, .csv) hay thư mục các tệp tự đánh giá "
                                                      "(người miễn hoặc chưa kiểm điểm được bỏ ra).")] = None,
    rubric: RubricOption = "tusoi-mac-dinh",
    chi_bo: ChiBoOption = None,
    ky: KyOption = None,
    force: ForceOption = False,
) -> None:
    """Phiếu biểu quyết in được (A4): mỗi đảng viên một dòng, mỗi mức một cột; kiểm phiếu xong đưa vào bieu-quyet."""
    with guard():
        from tusoi_cli.api import ballot_people, check_input
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError
        from tusoi_cli.render.excel.ballot import write_ballot
        from tusoi_cli.version import __version__

        if members is None:
            raise UsageError("thiếu --members: danh sách đảng viên (.txt mỗi dòng một họ tên, hoặc bảng của chi bộ)")
        if not members.exists():
            raise UsageError(f"không tìm thấy '{members}'")
        if not members.is_dir():  # a folder of member files is read as `batch` reads it
            check_input(members, "danh sách đảng viên")
        planned = cli_output.plan(str(DEFAULT_BALLOT) if output is None else output, None, force=force,
                                  inputs=[members], extensions={".xlsx": "xlsx"}, binary=frozenset({"xlsx"}))
        assert planned.path is not None
        loaded = _scorable(rubric)
        people, left_out = ballot_people(members, loaded)
        write_ballot(planned.path, loaded, people, chi_bo=chi_bo, ky=ky or _this_year(), tool_version=__version__)
        detail = f"{len(people)} đảng viên" + (f"; bỏ ra {left_out} người miễn hoặc chưa kiểm điểm" if left_out else "")
        stderr().print(f"Đã ghi {planned.path} ({detail})", style="green", markup=False)


class SchemaKind(StrEnum):
    member = "member"
    rubric = "rubric"
    result = "result"


def schema_cmd(
    loai: Annotated[SchemaKind, typer.Argument(help="member: tệp tự đánh giá; rubric: bộ tiêu chí; result: kết "
                                                    "quả `tusoi score --format json`.", metavar="member|rubric|result",
                                               show_default=False)],
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                               help="Chỉ với member: lược đồ riêng cho một bộ tiêu chí, liệt kê "
                                                    "từng mục và thang của nó.")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="TỆP",
                                               help="Ghi vào TỆP (.json) thay vì in ra màn hình; '-' là đầu ra "
                                                    "chuẩn.")] = None,
    force: ForceOption = False,
) -> None:
    """In lược đồ JSON (JSON Schema) của một dạng tệp, để trình soạn thảo kiểm tra và gợi ý khi sửa tệp."""
    with guard():
        from tusoi_cli.cli import output as cli_output
        from tusoi_cli.errors import UsageError
        from tusoi_cli.output import write_atomic
        from tusoi_cli.render.schema import schema_text

        if rubric is not None and loai is not SchemaKind.member:
            raise UsageError("--rubric chỉ dùng với `tusoi schema member`")
        target = cli_output.plan(output, None, force=force, extensions={".json": "json"}, default="json").path
        loaded = None
        if rubric is not None:
            from tusoi_cli.api import load_rubric

            loaded = load_rubric(rubric)
        text = schema_text(loai.value, loaded)
        if target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(target, text.encode("utf-8"))
