"""Reading a whole cell: the rows of a sheet (or a folder of member files) into compact members.

Every non-blank row becomes a member or a located problem, never dropped. Members come out unscored
(:func:`tusoi_cli.engine.batch.score_batch` scores them); the sheet's header layout is found by
:mod:`tusoi_cli.read.sheet.layout`.
"""

from __future__ import annotations

import gc
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model import (
    CELL_SLOT,
    SELF_SLOT,
    MemberStatus,
    Rating,
    Rubric,
)
from tusoi_cli.model.batch import BatchMember, BatchResult, Progress, unscored
from tusoi_cli.model.cells import BadCell, Cell
from tusoi_cli.model.compiled import NO_ANSWER_REASON, item_ids
from tusoi_cli.model.values import STATUS_CHOICES, Parsed, ScaleReader, discipline, member_status, readers
from tusoi_cli.read.rubric_loader import match_level
from tusoi_cli.read.sheet.layout import (
    TOTAL_WORDS,
    Layout,
    cell_text,
    find_layout,
    foreign_header,
    repeated_headers,
    template_rubric,
    title_block,
)
from tusoi_cli.read.sheet.tables import Table, column_letter
from tusoi_cli.text import fold, has_invisible, strip_invisible

# --------------------------------------------------------------------------- reading a sheet



























def _check_columns(result: BatchResult, rows: list[list[Cell]], layout: Layout, rubric: Rubric) -> None:
    """The sheet-columns rule: data under a blank header or under a header that looks like an item id the
    rubric lacks is one problem per column (never silently ignored); other unused columns, one note."""
    name = result.source
    header_line = layout.header_row + 1
    made_with = template_rubric(rows[: layout.header_row])
    if made_with is not None and made_with[2] != rubric.id:
        line, col, rid, version = made_with
        result.problems.append(Problem(
            name, f"bảng này được tạo theo bộ tiêu chí '{rid}' (phiên bản {version}) nhưng đang chấm theo "
            f"bộ '{rubric.id}'", line, col,
            f"chấm bằng đúng bộ tiêu chí đã dùng để tạo bảng: thêm -r <tệp hoặc mã của '{rid}'>"))
    elif made_with is not None and made_with[3] != rubric.version:
        result.notes.append(f"bảng được tạo theo bộ tiêu chí '{made_with[2]}' phiên bản {made_with[3]}, đang chấm "
                            f"theo phiên bản {rubric.version}")
    start = layout.header_row + 1
    known = {*layout.items, *layout.fields.values(), *layout.unused, *layout.suspects, *layout.votes}
    width = max((len(row) for row in rows[start:]), default=0)
    watched = sorted({*(col for col in range(width) if col not in known), *layout.suspects})
    first: dict[int, int] = {}
    if watched:
        for index in range(start, len(rows)):
            if index in layout.skipped:
                continue
            row = rows[index]
            for col in watched:
                if col not in first and col < len(row) and cell_text(row[col]):
                    first[col] = index + 1
            if len(first) == len(watched):
                break
    unused = [f"'{text}' (cột {column_letter(col + 1)})" for col, text in sorted(layout.unused.items())]
    for col in watched:
        letter = column_letter(col + 1)
        if col in layout.suspects:
            reason, hint = layout.suspects[col]
            if col not in first:
                unused.append(f"'{layout.headers[col]}' (cột {letter}, trống)")
                continue
            if made_with is not None and made_with[2] != rubric.id:
                hint = f"bảng được tạo theo bộ tiêu chí '{made_with[2]}': chấm lại với -r <tệp của bộ đó>"
            result.problems.append(Problem(
                name, f"cột {letter}: {reason}, nên các câu trả lời ở cột này (từ dòng {first[col]}) không được "
                "chấm", header_line, col + 1, hint))
        elif col in first:
            result.problems.append(Problem(
                name, f"cột {letter} không có tiêu đề nhưng có dữ liệu (từ dòng {first[col]}): không biết là mục "
                "nào nên không chấm", header_line, col + 1,
                "ghi tiêu đề cho cột (mã mục như CT1, hoặc tên như 'Ghi chú'); nếu tiêu đề là ô gộp thì bỏ gộp "
                "và ghi tiêu đề cho từng cột"))
    if unused:
        result.notes.append("các cột không dùng để chấm: " + ", ".join(unused))
    if layout.cleaned:
        result.notes.append(f"dòng {header_line}: đã bỏ ký tự vô hình trong tiêu đề cột "
                            + ", ".join(column_letter(c + 1) for c in layout.cleaned))


def _clean_names(result: BatchResult, rows: list[list[Cell]], layout: Layout) -> None:
    """Invisible characters (zero-width spaces, soft hyphens, bidi controls) removed from names and member
    codes, so two names that look the same are the same; each row so cleaned is named in a note."""
    columns = [layout.fields[key] for key in ("ho_ten", "ma_dang_vien") if key in layout.fields]
    cleaned: list[int] = []
    for index in range(layout.header_row + 1, len(rows)):
        row = rows[index]
        for col in columns:
            cell = row[col] if col < len(row) else None
            if isinstance(cell, str) and has_invisible(cell):
                row[col] = strip_invisible(cell)
                if not cleaned or cleaned[-1] != index + 1:
                    cleaned.append(index + 1)
    if cleaned:
        shown = ", ".join(map(str, cleaned[:20])) + (f" và {len(cleaned) - 20} dòng khác" if len(cleaned) > 20 else "")
        result.notes.append(f"đã bỏ ký tự vô hình (khoảng trắng rộng 0, gạch nối mềm, ký tự đảo chiều) trong họ tên "
                            f"hoặc mã đảng viên ở dòng {shown}")




def read_sheet(path: Path, rubric: Rubric, sheet: str | None = None, progress: Progress | None = None,
               strict: bool = False) -> BatchResult:
    """Every member row of a spreadsheet, unscored; rows that cannot be read are reported, never dropped."""
    from tusoi_cli.read.sheet.tables import read_tables

    name = str(path)
    tables = read_tables(path, sheet, name)
    if not tables:  # a damaged workbook can list no sheet at all
        raise InputError([Problem(name, "bảng tính không có trang tính nào (tệp có thể bị hỏng)",
                                  hint="mở bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại dạng .xlsx")])
    for table in tables:
        layout = find_layout(table.rows, rubric)
        if layout is not None:
            result = _read_members(table, layout, rubric, progress, strict)
            if not result.members and not result.failed_rows:
                where = f"trang '{table.sheet}'" if table.sheet is not None else "tệp"
                raise InputError([Problem(
                    name, f"{where} chỉ có dòng tiêu đề, chưa có dòng đảng viên nào", layout.header_row + 1, None,
                    "điền mỗi đảng viên một dòng dưới dòng tiêu đề; kiểm tra đã chọn đúng tệp, đúng --sheet chưa")])
            return result
    where = f"trang '{sheet}'" if sheet else ("các trang " + ", ".join(tables[0].sheet_names)
                                            if tables[0].sheet_names else "tệp")
    if not any(cell_text(value) for table in tables for row in table.rows for value in row):
        raise InputError([Problem(
            name, f"bảng tính trống: {where} không có ô nào có dữ liệu",
            hint="kiểm tra đã chọn đúng tệp chưa; tạo mẫu bằng `tusoi template sheet` rồi điền vào")])
    foreign = foreign_header(tables, rubric)
    if foreign is not None:
        raise InputError([Problem(
            name, f"không tìm thấy dòng tiêu đề trong {where}: dòng {foreign[0]} có tiêu đề như '{foreign[1]}' viết "
            f"bằng chữ không phải Latin (trông giống '{foreign[2]}')", foreign[0], None,
            "gõ lại các mã mục ở dòng tiêu đề bằng chữ Latin (bàn phím tiếng Việt hoặc tiếng Anh)")])
    raise InputError([Problem(
        name, f"không tìm thấy dòng tiêu đề trong {where}",
        hint="dòng tiêu đề phải có cột 'Họ và tên' và các cột bắt đầu bằng mã mục (CT1, DL1, DB1, D1...); "
        "tạo mẫu bằng `tusoi template sheet`")])




def _read_members(table: Table, layout: Layout, rubric: Rubric, progress: Progress | None,
                strict: bool = False) -> BatchResult:
    name = table.name
    result = BatchResult(name, table.sheet, rubric,
                         headers={col + 1: text for col, text in layout.headers.items() if text})
    header_line = layout.header_row + 1
    if "ho_ten" not in layout.fields:
        raise InputError([Problem(name, "dòng tiêu đề không có cột 'Họ và tên'", header_line, None,
                                  "thêm cột có tiêu đề 'Họ và tên'")])
    seen: dict[str, int] = {}
    duplicate_problems = []
    for col, item_id in layout.items.items():
        if item_id in seen:
            duplicate_problems.append(Problem(
                name, f"mục {item_id} có hai cột ({column_letter(seen[item_id] + 1)} và {column_letter(col + 1)})",
                header_line, col + 1, "xóa hoặc đổi tên một cột"))
        seen[item_id] = col
    if duplicate_problems:
        raise InputError(duplicate_problems)
    ids = item_ids(rubric)
    missing = [item_id for item_id in ids if item_id not in seen]
    if missing:
        result.notes.append("bảng không có cột cho các mục: " + ", ".join(missing) + " (coi là chưa trả lời)")
    layout.skipped = repeated_headers(table.rows, layout)
    _check_columns(result, table.rows, layout, rubric)
    _clean_names(result, table.rows, layout)
    for index in sorted(layout.skipped):
        result.notes.append(f"dòng {index + 1}: dòng tiêu đề lặp lại, bỏ qua")
        result.ignored_rows.append(index + 1)
    reader = _RowReader(name, layout, rubric, ids)
    reader.strict = strict
    reader.title = title_block(table.rows[: layout.header_row])
    reader.bad_cells = table.bad_cells > 0
    rows = table.rows
    # Millions of cells were just allocated; the cycle collector would rescan them again and again
    # while the members are built (none of which form cycles), so it waits until the sheet is read.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _read_rows(result, rows, layout, reader, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    result.ignored_rows.sort()  # repeated headers (found first) and total rows, in sheet order
    return result


def _read_rows(result: BatchResult, rows: list[list[Cell]], layout: Layout, reader: _RowReader,
               progress: Progress | None) -> None:
    total = len(rows)
    stt_col = layout.fields.get("stt")
    name_col = layout.fields["ho_ten"]
    texts = reader.texts
    for index in range(layout.header_row + 1, total):
        if progress is not None and index % 1000 == 0:
            progress(index, total)
        row = rows[index]
        rows[index] = []  # free the sheet as it is read: a province's sheet is the largest thing in memory
        line = index + 1
        if index in layout.skipped:  # a repeated header row (noted once)
            continue
        name_text = texts[row[name_col]] if name_col < len(row) else None
        # blank but for its number (a member row has a name: no need to look further)
        if not name_text and not any(texts[v] for c, v in enumerate(row) if c != stt_col):
            result.blank_rows += 1
            continue
        stt_text = texts[row[stt_col]] if stt_col is not None and stt_col < len(row) else None
        label_text = name_text or stt_text or ""
        label = fold(label_text) if label_text[:1] in "TtCc" else ""  # only "Tổng...", "Cộng" need folding
        if label in TOTAL_WORDS or label.startswith(("tong cong", "tong so")):
            result.notes.append(f"dòng {line}: dòng tổng cộng, không chấm")
            result.ignored_rows.append(line)
            continue
        member, problems = reader.read(line, row)
        result.problems.extend(problems)
        if member is None:
            result.failed_rows.append(line)
        else:
            result.members.append(member)


_MISS = object()


class _Texts(dict[Cell, str | None]):
    """cell_text of each distinct cell, computed once: a sheet repeats its positions, levels and statuses, and a
    row's name is read three times. Cells that are equal (1, 1.0, True) have the same text, so one key serves them.
    Bounded: names rarely repeat."""

    def __missing__(self, cell: Cell) -> str | None:
        if len(self) > 50_000:
            self.clear()
        text = self[cell] = cell_text(cell)
        return text


class _RowReader:
    """Checks one member row against the rubric; built once per sheet."""

    def __init__(self, name: str, layout: Layout, rubric: Rubric, ids: tuple[str, ...]) -> None:
        self.name, self.layout, self.rubric, self.ids = name, layout, rubric, ids
        scale_readers = readers(rubric)
        scale_of = {item.id: scale_readers[section.scale] for section, item in rubric.items()}
        index_of = {item_id: i for i, item_id in enumerate(ids)}
        # (column, item index, the reader's memo of cells, scale reader) for every item column
        self.columns = [(col, index_of[item_id], scale_of[item_id].cells, scale_of[item_id])
                        for col, item_id in layout.items.items()]
        self.levels: dict[str, str | None] = {}  # memo: a sheet repeats a few level words
        self.title: dict[str, str] = {}  # chi bộ / kỳ from the title block
        # Fast path: per scale, the item columns and a memo cell -> value (None: blank) holding only cells
        # already seen to be plain answers or blanks; a row whose cells are all in it needs no checks.
        groups: dict[int, tuple[list[int], list[int], dict[object, float | None]]] = {}
        for col, index, _, reader in self.columns:
            cols, indices, _memo = groups.setdefault(id(reader), ([], [], {None: None, "": None}))
            cols.append(col)
            indices.append(index)
        # per group: fetch its cells in C (itemgetter), and a slice when its items are consecutive
        self.groups = []
        for cols, indices, memo in groups.values():
            consecutive = indices == list(range(indices[0], indices[0] + len(indices)))
            span = slice(indices[0], indices[0] + len(indices)) if consecutive else None
            self.groups.append((itemgetter(*cols) if len(cols) > 1 else lambda row, c=cols[0]: (row[c],),
                                indices, span, memo))
        self.memo_of = {id(reader): groups[id(reader)][2] for _, _, _, reader in self.columns}
        self.width = max(layout.items) + 1
        self.bad_cells = False  # set when the sheet holds error cells: only then are field cells checked
        self.field_columns = sorted(set(layout.fields.values()) - {layout.fields.get("stt", -1)})
        self.strict = False  # --strict: every unanswered item of a reviewed member is a problem of its row
        self.texts = _Texts()
        # the rater slots the sheet has a column for, in the rubric's order
        self.slots = [slot for slot in rubric.raters if slot.field in layout.fields]
        self.ratings: dict[str, Rating] = {}
        self_slot, cell_slot = rubric.slot(SELF_SLOT), rubric.slot(CELL_SLOT)
        self.self_field = self_slot.field if self_slot else ""
        self.cell_field = cell_slot.field if cell_slot else ""

    def _bad_fields(self, row: list[Cell]) -> tuple[int, ...]:
        """Member-field columns (name, code, level...) of ``row`` holding an error cell."""
        width = len(row)
        return tuple(col for col in self.field_columns if col < width and isinstance(row[col], BadCell))

    def _fast_values(self, row: list[Cell]) -> list[float | None] | None:
        """The row's values when every item cell is a known plain answer or blank, else None."""
        if len(row) < self.width:
            row = [*row, *([None] * (self.width - len(row)))]
        values: list[Any] = [None] * len(self.ids)
        for fetch, indices, span, memo in self.groups:
            cells = fetch(row)
            found = list(map(memo.get, cells, repeat(_MISS, len(cells))))
            if _MISS in found:
                return None
            if span is not None:
                values[span] = found
            else:
                for index, value in zip(indices, found, strict=True):
                    values[index] = value
        return values

    def _remember(self, reader: ScaleReader, cell: object, value: float | None) -> None:
        memo = self.memo_of[id(reader)]
        if len(memo) < 4096 and not isinstance(cell, bool):  # True == 1 as a dict key
            memo[cell] = value

    def read(self, line: int, row: list[Cell]) -> tuple[BatchMember | None, list[Problem]]:
        """The member of one row and the row's problems.

        A row is only refused (member None) when it cannot be tied to a person (no name). Any other
        problem (a bad cell, an unreadable status or level) is reported with the member's name, and
        the member stays: bad items are marked invalid and the level is provisional.
        """
        layout, fields = self.layout, self.layout.fields
        problems: list[Problem] = []
        who = ""

        def problem(col: int, message: str, hint: str | None = None) -> None:
            header = layout.headers.get(col, "")
            where = f"cột {column_letter(col + 1)}" + (f" ({header})" if header else "")
            problems.append(Problem(self.name, f"{who}{where}: {message}", line, col + 1, hint))

        bad_fields = self._bad_fields(row) if self.bad_cells else ()

        # the text of every member field of the row, at once (a field the sheet lacks is None, as a bad cell)
        texts, width = self.texts, len(row)
        text_at = {key: texts[row[col]] if col < width and col not in bad_fields else None
                   for key, col in fields.items()}.get
        name_text = text_at("ho_ten")
        if name_text:
            who = f"{name_text} — "
        for col in bad_fields:
            cell = row[col]
            assert isinstance(cell, BadCell)
            problem(col, cell.describe(), cell.HINT)
        if not name_text and fields["ho_ten"] not in bad_fields:
            problem(fields["ho_ten"], "thiếu họ và tên", "điền họ tên đảng viên, hoặc xóa dòng nếu thừa")
        na: list[int] = []
        invalid: list[int] = []
        errors: dict[int, str] = {}
        fast = self._fast_values(row)
        values: list[float | None] = fast if fast is not None else [None] * len(self.ids)
        slow: list[tuple[int, int, dict[object, Parsed], ScaleReader]] = [] if fast is not None else self.columns
        for col, index, cells, reader in slow:
            cell = row[col] if col < width else None
            parsed = cells.get(cell)
            if parsed is None:
                parsed = reader.read_cell(cell)
            state = parsed.state
            if state == "answered":
                values[index] = parsed.value
                self._remember(reader, cell, parsed.value)
            elif state == "na":
                na.append(index)
            elif state == "invalid":
                invalid.append(index)
                errors[index] = parsed.error or "giá trị không hợp lệ"
                problem(col, parsed.error or "giá trị không hợp lệ", parsed.hint)
        if not name_text:
            return None, problems  # nothing ties this row to a person
        ky_luat, form = False, None
        raw_ky_luat = text_at("ky_luat")
        if raw_ky_luat is not None:
            read = discipline(raw_ky_luat)
            if read is None:
                problem(fields["ky_luat"], f"'{raw_ky_luat}' không phải có/không hay một hình thức kỷ luật",
                        "ghi 'có', 'x', hình thức (khiển trách, cảnh cáo, cách chức, khai trừ) hoặc để trống")
            else:
                ky_luat, form = read
        status: MemberStatus = "reviewed"
        status_reason = None
        raw_status = text_at("trang_thai")
        if raw_status is not None:
            read_status = member_status(raw_status)
            if read_status is None:
                problem(fields["trang_thai"], f"trạng thái '{raw_status}' không đọc được", f"ghi {STATUS_CHOICES}")
            else:
                status, status_reason = read_status
        if status == "reviewed" and values.count(None) == len(values) and not na and not invalid:
            status, status_reason = "not_reviewed", NO_ANSWER_REASON
        if self.strict and status == "reviewed":
            skip = set(na) | set(invalid)
            missing = [i for i, v in enumerate(values) if v is None and i not in skip]
            columns = {index: col for col, index, _, _ in self.columns}
            for i in missing:
                item_id = self.ids[i]
                item_col = columns.get(i)
                if item_col is None:
                    problems.append(Problem(self.name, f"{who}mục {item_id} chưa được trả lời (bảng không có cột"
                                            " của mục này)", line, None, f"thêm cột {item_id} và điền 0 nếu không có"))
                else:
                    problem(item_col, f"mục {item_id} chưa được trả lời",
                            "ghi 0 nếu không có, hoặc 'na' nếu mục không áp dụng")
        levels: dict[str, str | None] = {}
        raters: dict[str, Rating] | None = None
        for slot in self.slots:
            key = slot.field
            raw_level = text_at(key)
            if not raw_level:
                continue
            if raw_level not in self.levels:
                self.levels[raw_level] = match_level(self.rubric, raw_level)
            level = levels[key] = self.levels[raw_level]
            if level is None:
                from tusoi_cli.read.member_reader import level_problem

                problem(fields[key], *level_problem(self.rubric, raw_level))
                continue
            reason = text_at("ly_do") if slot.id == CELL_SLOT else None
            rating = self.ratings.get(level) if reason is None else None
            if rating is None:  # ratings are frozen: one per level serves every row without a reason
                rating = Rating.model_construct(level=level, label=self.rubric.level(level).label, reason=reason,
                                                date=None)
                if reason is None:
                    self.ratings[level] = rating
            if raters is None:
                raters = {}
            raters[slot.id] = rating
        carried = None
        if "han_che_ky_truoc" in fields or "ket_qua_khac_phuc" in fields:  # the previous period's two columns
            from tusoi_cli.read.previous import read_carried_cells

            carried = read_carried_cells(text_at("han_che_ky_truoc"), text_at("ket_qua_khac_phuc"), self.rubric,
                                         lambda key, message, hint: problem(fields[key], message, hint))
        frozen = tuple(values)
        return BatchMember(
            line, unscored(), frozen, tuple(na),
            tuple(invalid), name_text, text_at("ma_dang_vien"), text_at("chuc_vu"), levels.get(self.self_field),
            levels.get(self.cell_field), text_at("ly_do"), ky_luat, f"{self.name}:{line}",
            chi_bo=text_at("chi_bo") or self.title.get("chi_bo"), ky_danh_gia=self.title.get("ky_danh_gia"),
            status=status, status_reason=status_reason, ky_luat_form=form, errors=errors or None,
            raters=raters, ky_truoc=carried), problems




# --------------------------------------------------------------------------- reading a folder


def read_folder(folder: Path, rubric: Rubric, strict: bool = False) -> BatchResult:
    """Every member YAML file of a folder (sorted by file name), read with one rubric, unscored."""
    from tusoi_cli.read.inputs import unreadable
    from tusoi_cli.read.member_reader import read_member

    # every .yaml entry is listed: one that is not a regular file (a directory, a dangling link, a pipe
    # that would wait for a writer) is an error naming what it is, never skipped in silence
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".yaml", ".yml"})
    except OSError as exc:
        raise InputError([Problem(str(folder), f"không đọc được thư mục ({exc.strerror})",
                                  hint="kiểm tra quyền đọc thư mục")]) from None
    result = BatchResult(str(folder), None, rubric)
    if not files:
        raise InputError([Problem(str(folder), "thư mục không có tệp .yaml nào",
                                  hint="đặt các tệp tự đánh giá (.yaml) vào thư mục này")])
    for number, path in enumerate(files, start=1):
        odd = unreadable(path)
        if odd is None and not path.is_file():
            odd = ("đây là một ống dẫn (FIFO), không phải tệp", "thay bằng tệp tự đánh giá thật")
        if odd is not None:
            result.problems.append(Problem(str(path), odd[0], hint=odd[1]))
            result.failed_rows.append(number)
            continue
        try:
            read = read_member(path, rubric=rubric, strict=strict)
        except InputError as exc:
            result.problems.extend(exc.problems)
            result.failed_rows.append(number)
            continue
        # compact from the start (scored by the engine): 20,000 files' whole evaluations would not fit
        result.members.append(BatchMember.from_evaluation(rubric, read.evaluation, number))
        result.problems.extend(read.problems)
        result.notes.extend(str(note) for note in read.notes)
    return result


def read_batch(source: Path, rubric: Rubric, *, sheet: str | None = None, strict: bool = False,
               progress: Progress | None = None) -> BatchResult:
    """A folder of member files or a spreadsheet, read with ``rubric`` (unscored: see engine.batch)."""
    if source.is_dir():
        return read_folder(source, rubric, strict)
    return read_sheet(source, rubric, sheet, progress, strict)












