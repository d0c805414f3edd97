"""``tusoi kiem-diem INPUT -o FILE|FOLDER/``: the review document (bản kiểm điểm cá nhân) as .docx or PDF."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tusoi_cli.cli.errors import ExitCode, guard, report, stderr, warn
from tusoi_cli.cli.options import ForceOutputOption

if TYPE_CHECKING:
    from tusoi_cli.api import ReviewInput, ReviewMember
    from tusoi_cli.model.review import ReviewDocument, ReviewForm

_OUTPUTS = {".docx": "docx", ".pdf": "pdf"}


class Form(StrEnum):
    a = "2A"
    b = "2B"
    c = "2C"


def kiem_diem_cmd(
    source: Annotated[Path, typer.Argument(
        help="Tệp tự đánh giá (.yaml), thư mục các tệp .yaml, hoặc bảng tính của chi bộ (.xlsx, .xls, .ods, .csv).",
        metavar="ĐẦU_VÀO", show_default=False)],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="TỆP|THƯ_MỤC/",
        help="Tệp .docx hoặc .pdf; với thư mục hay bảng tính: một thư mục (kết thúc bằng /), mỗi đảng viên được "
             "kiểm điểm một tệp, ví dụ 07-nguyen-van-an.docx.", show_default=False)] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Ghi PDF (qua LibreOffice) thay vì .docx vào thư mục -o.")] = False,
    form: Annotated[Form | None, typer.Option(
        "--mau", metavar="2A|2B|2C",
        help="Mẫu bản kiểm điểm (HD 43-HD/BTCTW): 2A giữ chức vụ lãnh đạo, quản lý; 2B đảng viên trong hệ thống "
             "chính trị; 2C ngoài hệ thống chính trị. Mặc định theo trường mau_kiem_diem, không có thì 2B.",
        show_default=False)] = None,
    template: Annotated[Path | None, typer.Option(
        "--tep-mau", metavar="TỆP.docx",
        help="Mẫu .docx riêng của cấp ủy, có các chỗ điền như {{ ho_ten }} (xem docs/kiem-diem.md).",
        show_default=False)] = None,
    rubric: Annotated[str | None, typer.Option(
        "--rubric", "-r", metavar="MÃ|TỆP",
        help="Bộ tiêu chí (mã có sẵn hoặc tệp .yaml); mặc định theo bo_tieu_chi của tệp, hoặc tusoi-mac-dinh.")
    ] = None,
    cell: Annotated[str | None, typer.Option(
        "--chi-bo", metavar="TÊN", help="Tên chi bộ ở đầu bản, khi tệp hay dòng của đảng viên không ghi.")] = None,
    period: Annotated[str | None, typer.Option(
        "--ky", metavar="KỲ", help="Năm kiểm điểm ở đầu bản, khi tệp hay bảng tính không ghi.")] = None,
    ky_truoc: Annotated[Path | None, typer.Option(
        "--ky-truoc", metavar="TỆP|THƯ_MỤC",
        help="Kỳ trước (tệp .yaml, bảng tính hoặc thư mục, như compare đọc): ghi bên cạnh kết quả khắc phục tự nêu "
             "tình trạng mà hai kỳ cho thấy (phần A.III).", show_default=False)] = None,
    force: ForceOutputOption = False,
) -> None:
    """Lập bản kiểm điểm cá nhân (.docx hoặc PDF) từ bản tự đánh giá; phần đảng viên chưa viết để trống có nhắc."""
    with guard():
        from tusoi_cli.api import check_input, input_kind, read_for_review
        from tusoi_cli.errors import UsageError

        if not source.exists() and not source.is_symlink():
            raise UsageError(f"không tìm thấy '{source}'")
        if not source.is_dir():
            check_input(source)
        if output is None:
            example = "an-kiem-diem.docx" if input_kind(source) == "member" else "ban-kiem-diem/"
            raise UsageError(f"thiếu -o: ghi rõ nơi lưu bản kiểm điểm, ví dụ -o {example}")
        if template is not None and not template.is_file():
            raise UsageError(f"--tep-mau: không tìm thấy tệp mẫu '{template}'")
        folder = output.endswith(("/", "\\")) or Path(output).is_dir()
        if ky_truoc is not None:
            if not ky_truoc.exists():
                raise UsageError(f"--ky-truoc: không tìm thấy '{ky_truoc}'")
            if not ky_truoc.is_dir():
                check_input(ky_truoc, "kỳ trước")
        inputs = [source, *([ky_truoc] if ky_truoc else []), *([template] if template else []),
                  *([Path(rubric)] if rubric and Path(rubric).is_file() else [])]
        fmt = "pdf" if pdf else "docx"
        if folder:
            if input_kind(source) == "member":
                raise UsageError(f"'{source}' là tệp của một đảng viên — ghi -o là một tệp, ví dụ "
                                 f"-o {output.rstrip('/')}/{source.stem}-kiem-diem.docx")
        else:
            if input_kind(source) != "member":
                raise UsageError(f"'{source}' có nhiều đảng viên — ghi -o là một thư mục, kết thúc bằng /, ví dụ "
                                 "-o ban-kiem-diem/ (thêm --pdf để ghi PDF)")
            from tusoi_cli.cli import output as cli_output

            target = cli_output.plan(output, None, force=force, inputs=inputs, extensions=_OUTPUTS,
                                     binary=frozenset(_OUTPUTS.values()))
            fmt = target.fmt
            if pdf and fmt != "pdf":
                raise UsageError(f"--pdf trái với đuôi của '{output}' — đặt tên tệp .pdf, hoặc bỏ --pdf")

        read = read_for_review(source, rubric=rubric, previous=ky_truoc)
        report(read.problems)
        for note in read.notes:
            stderr().print(f"Lưu ý: {note}", markup=False, style="yellow")
        warn(read.warnings)
        chosen: ReviewForm | None = form.value if form else None
        header = _Header(chosen, cell, period)
        if folder:
            written = _write_folder(read, Path(output), fmt, header, template, force, inputs)
        else:
            written = _write_one(read, Path(output), fmt, header, template)
        for path in written:
            stderr().print(f"Đã ghi {path}", style="green", markup=False)
        if read.problems or not written:
            raise typer.Exit(ExitCode.INPUT)


@dataclass(frozen=True)
class _Header:
    """What the command line says about every document: the form, and the cell and year where a member's own
    file or row says nothing."""

    form: ReviewForm | None
    cell: str | None
    period: str | None


def _document(read: ReviewInput, member: ReviewMember, header: _Header) -> ReviewDocument:
    from tusoi_cli.render.review.build import build_review, previous_from_result

    return build_review(member.result, read.rubric, member.review, form=header.form,
                        previous=previous_from_result(member.result),
                        cell=header.cell, period=header.period)


def _bytes(docs: list[ReviewDocument], fmt: str, template: Path | None) -> list[bytes]:
    if template is not None:
        from tusoi_cli.render.review.template import fill_template

        files = [fill_template(template, doc) for doc in docs]
    else:
        from tusoi_cli.render.review.docx_writer import write_docx

        files = [write_docx(doc) for doc in docs]
    if fmt == "pdf":
        from tusoi_cli.render.review.pdf import docx_to_pdf

        files = docx_to_pdf(files)
    return files


def _write_one(read: ReviewInput, target: Path, fmt: str, header: _Header,
               template: Path | None) -> list[Path]:
    from tusoi_cli.output import write_atomic

    member = read.members[0]
    if member.result.status != "reviewed":
        stderr().print(f"Không lập bản kiểm điểm: {_unrated(member)}", markup=False, style="yellow")
        return []
    data = _bytes([_document(read, member, header)], fmt, template)[0]
    write_atomic(target, data)
    return [target]


def _write_folder(read: ReviewInput, folder: Path, fmt: str, header: _Header, template: Path | None,
                  force: bool, inputs: list[Path]) -> list[Path]:
    from tusoi_cli.errors import UsageError
    from tusoi_cli.output import check_target, write_atomic
    from tusoi_cli.render.review.names import review_file_names

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"'{folder}' là một tệp, không phải thư mục — chọn một thư mục cho -o")
    reviewed = [m for m in read.members if m.result.status == "reviewed"]
    others = [m for m in read.members if m.result.status != "reviewed"]
    if others:
        stderr().print(f"Không lập bản kiểm điểm cho {len(others)} đảng viên miễn hoặc chưa kiểm điểm:", markup=False,
                       style="yellow")
        for member in others:
            stderr().print(f"  {_unrated(member, read.unit)}", markup=False, style="yellow")
    if not reviewed:
        stderr().print("Không có đảng viên nào được kiểm điểm: không ghi tệp nào.", markup=False, style="yellow")
        return []
    names = review_file_names([(m.number, m.result.ho_ten) for m in reviewed], "." + fmt)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"không tạo được thư mục '{folder}' ({exc.strerror}) — chọn chỗ khác cho -o") from None
    paths = [folder / name for name in names]
    try:
        for path in paths:  # every clash is refused before anything is written
            check_target(path, force=force, inputs=inputs)
    except UsageError:
        if created:
            folder.rmdir()
        raise
    files = _bytes([_document(read, m, header) for m in reviewed], fmt, template)
    for path, data in zip(paths, files, strict=True):
        write_atomic(path, data)
    return paths


def _unrated(member: ReviewMember, unit: str = "dòng") -> str:
    where = f"{unit} {member.number}: " if member.number is not None else ""
    reason = f" ({member.result.status_reason})" if member.result.status_reason else ""
    return f"{where}{member.result.ho_ten} — {member.result.status_label}{reason}"
