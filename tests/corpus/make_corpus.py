"""Write the small committed files of the hostile-input corpus (tests/corpus/files/).

    python tests/corpus/make_corpus.py            # everything that needs only Python + openpyxl
    python tests/corpus/make_corpus.py --soffice  # also the files LibreOffice makes (formulas, .xls password)

The big cases (50 MB YAML, zip bombs, a CSV cell over the csv field limit) are not committed:
tests/cli/test_corpus.py generates them in a temporary folder (see GENERATORS there). What each file
must produce is in tests/corpus/cases.yaml.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
ITEMS = ([f"CT{i}" for i in range(1, 10)] + [f"DL{i}" for i in range(1, 10)]
         + [f"DB{i}" for i in range(1, 10)] + [f"D{i}" for i in range(1, 20)])
HEADER = ["STT", "Họ và tên", "Mã đảng viên", "Tự xếp loại", *ITEMS]
MEMBERS = [[1, "Nguyễn Văn An", "01.0001", "Tốt", *([0] * 46)],
           [2, "Trần Thị Bình", "01.0002", "Khá", 1, *([0] * 45)],
           [3, "Lê Văn Cường", "01.0003", "", *([0] * 45), 1]]

MEMBER = """\
ky_danh_gia: "2026"
dang_vien:
  ho_ten: Nguyễn Văn An
  chi_bo: Chi bộ Khu phố 3
danh_gia:
  CT5: 1
  DL6: 1
  D4: 0
"""


def write(name: str, data: str | bytes) -> Path:
    path = FILES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def xlsx(rows: list[list[object]], title: str = "Chi bộ 3") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def patch_sheet(data: bytes, change: object, rename: str | None = None) -> bytes:
    """Rewrite sheet1.xml of an .xlsx with ``change(xml) -> xml``; optionally move it to ``rename``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body, name = src.read(info), info.filename
            if name == "xl/worksheets/sheet1.xml":
                body = change(body)  # type: ignore[operator]
                name = rename or name
            elif rename and name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                body = body.replace(b"xl/worksheets/sheet1.xml", rename.encode())
            dst.writestr(name, body)
    return out.getvalue()


def far_cell(cell: bytes) -> object:
    return lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>")


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (the container of .xls and of password-protected .xlsx) holding
    ``streams``, each stored in 512-byte sectors (each stream is padded to at least 4096 bytes, so no
    mini stream is needed)."""
    sector = 512
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data_sectors: list[bytes] = []
    starts, sizes = [], []
    for body in streams.values():
        body = body.ljust(4096, b"\0")
        starts.append(len(data_sectors))
        sizes.append(len(body))
        data_sectors.extend(body[i:i + sector] for i in range(0, len(body), sector))
    directory_start = len(data_sectors)
    entries = [("Root Entry", 5, end, 0, 1 if streams else free)]
    names = list(streams)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else free
        entries.append((name, 2, starts[index], sizes[index], right))
    directory = b""
    for index, (name, kind, start, size, link) in enumerate(entries):
        label = name.encode("utf-16-le") + b"\0\0"
        child = link if index == 0 else free
        right = free if index == 0 else link
        directory += (label.ljust(64, b"\0") + struct.pack("<HBB", len(label), kind, 1)
                      + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                      + struct.pack("<III", start, size, 0))
    directory = directory.ljust(((len(directory) + sector - 1) // sector) * sector, b"\0")
    dir_sectors = [directory[i:i + sector] for i in range(0, len(directory), sector)]
    fat_start = directory_start + len(dir_sectors)
    fat = []
    for index, body in enumerate(streams.values()):
        count = (max(len(body), 4096) + sector - 1) // sector
        fat.extend(starts[index] + n + 1 for n in range(count - 1))
        fat.append(end)
    fat.extend(directory_start + n + 1 for n in range(len(dir_sectors) - 1))
    fat.append(end)
    fat.append(fat_mark)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, directory_start, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", fat_start) + struct.pack("<108I", *([free] * 108)))
    return header + b"".join(data_sectors) + b"".join(dir_sectors) + fat_bytes


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with EncryptionInfo (an agile
    encryption descriptor) and EncryptedPackage (the encrypted zip; random bytes here)."""
    info = (struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
            b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
            b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    package = struct.pack("<Q", 6000) + bytes((n * 37 + 11) % 256 for n in range(6016))
    return ole_file({"EncryptionInfo": info, "EncryptedPackage": package})


def make_yaml() -> None:
    write("yaml/bom-utf8.yaml", "\ufeff" + MEMBER)
    write("yaml/bom-utf16.yaml", ("\ufeff" + MEMBER).encode("utf-16-le"))
    write("yaml/nfd.yaml", unicodedata.normalize("NFD", MEMBER))
    # line 7 is the unknown item, reached through \r\n, \n and a lone \r
    write("yaml/xuong-dong-lan-lon.yaml", 'ky_danh_gia: "2026"\r\ndang_vien:\n  ho_ten: Nguyễn Văn An\r'
          "  chi_bo: Chi bộ 3\r\ndanh_gia:\n  CT5: 1\r\n  CT99: 1\n  DL6: 1\r\n")
    write("yaml/tab.yaml", MEMBER.replace("  CT5: 1", "\tCT5: 1"))
    write("yaml/khoa-trung.yaml", MEMBER.replace("  DL6: 1\n", "  DL6: 1\n  CT5: 2\n"))
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    write("yaml/bi-danh-bom.yaml", "\n".join(laughs) + "\n")
    write("yaml/long-sau.yaml", "danh_gia: " + "[" * 100_000 + "]" * 100_000 + "\n")
    write("yaml/rong.yaml", "")
    write("yaml/thuc-ra-la-xlsx.yaml", xlsx([HEADER, *MEMBERS]))


def make_sheets() -> None:
    good = xlsx([["CHI BỘ KHU PHỐ 3"], [], HEADER, *MEMBERS])
    write("sheets/thuc-ra-la-xlsx.csv", good)
    write("sheets/hong.xlsx", good[: len(good) // 2])
    write("sheets/matkhau.xlsx", encrypted_xlsx())
    write("sheets/trang-trong.xlsx", xlsx([]))
    write("sheets/chi-tieu-de.xlsx", xlsx([["CHI BỘ KHU PHỐ 3"], [], HEADER]))
    write("sheets/ngay-thang.xlsx", xlsx([HEADER, MEMBERS[0], [2, "Trần Thị Bình", "01.0002", "",
                                                               date(2026, 1, 2), *([0] * 45)]]))
    formulas = [HEADER, MEMBERS[0], [2, "Trần Thị Bình", "01.0002", "", "=1+1", *([0] * 45)]]
    write("sheets/cong-thuc-chua-tinh.xlsx", xlsx(formulas))  # openpyxl never calculates formulas
    # "1,048,576 rows": a dimension that says so and a formatted last row, but three members
    declared = patch_sheet(good, lambda xml: xml
                           .replace(b'<dimension ref="A1:AX6" />', b'<dimension ref="A1:AX1048576"/>')
                           .replace(b"</sheetData>", b'<row r="1048576" s="1" customFormat="1"/></sheetData>'))
    write("sheets/khai-1048576-dong.xlsx", declared)
    last = b'<row r="1048576"><c r="AZ1048576" t="n"><v>1</v></c></row>'
    write("sheets/o-cuoi-1048576.xlsx", patch_sheet(good, far_cell(last)))
    far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    write("sheets/o-xa-nhay-don.xlsx", patch_sheet(good, far_cell(far.replace(b'"', b"'"))))
    write("sheets/o-xa-chu-thuong.xlsx", patch_sheet(good, far_cell(far.replace(b"XFD", b"xfd"))))
    write("sheets/o-xa-khong-r.xlsx", patch_sheet(good, far_cell(b'<row r="1048576">' + b'<c t="n"><v>1</v></c>' * 16384
                                                                 + b"</row>")))
    write("sheets/o-xa-trang-an.xlsx", patch_sheet(good, far_cell(far), rename="xl/trang-an.xml"))
    entities = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    write("sheets/xml-bom.xlsx", patch_sheet(good, lambda xml: entities + xml.split(b"?>", 1)[-1].replace(
        b"<sheetData>", b'<sheetData><row r="9"><c r="A9" t="inlineStr"><is><t>&c;</t></is></c></row>', 1)))
    xlsb = io.BytesIO()
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    write("sheets/nhi-phan.xlsb", xlsb.getvalue())
    write("sheets/trang-web.xls", "<html><body><table><tr><td>Họ và tên</td><td>CT1</td></tr></table></body></html>")
    head = ",".join(HEADER)
    write("sheets/ngoac-mo.csv", head + "\r\n" + "1,\"Nguyễn Văn An,01.0001,," + ",".join(["0"] * 46) + "\r\n"
          + "2,Trần Thị Bình,01.0002,," + ",".join(["0"] * 46) + "\r\n")


def make_with_soffice() -> None:
    """Error cells with cached values, as Excel and LibreOffice save them; a password-protected .xls."""
    csv_text = ",".join(HEADER) + "\n" + "\n".join([
        "1,Nguyễn Văn An,01.0001,Tốt," + ",".join(["0"] * 46),
        "2,Trần Thị Bình,01.0002,,=NA()," + ",".join(["0"] * 45),
        "3,Lê Văn Cường,01.0003,,=1+1,=1/0," + ",".join(["0"] * 44),
    ]) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "loi-cong-thuc.csv"
        source.write_text(csv_text, encoding="utf-8")
        for kind in ("xlsx", "ods", "xls"):
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                            "--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,false,true",
                            "--convert-to", kind, "--outdir", folder, str(source)], check=True, capture_output=True)
            shutil.copy(Path(folder) / f"loi-cong-thuc.{kind}", FILES / "sheets" / f"loi-cong-thuc.{kind}")
    print("matkhau.xls: made once with LibreOffice's UNO API (storeToURL, filter 'MS Excel 97', Password);"
          " kept as committed", file=sys.stderr)


def make_xls_and_ods_extents() -> None:
    """A cell at column 65535 of an .xls (calamine aborts) and an .ods repeating a value over 1,048,000 x 16,384."""
    xls = bytearray((FILES / "sheets" / "loi-cong-thuc.xls").read_bytes())
    at = xls.find(b"\x7e\x02\x0a\x00")  # the first RK cell record: row, column follow the header
    xls[at + 4:at + 8] = b"\xff\xff\xff\xff"
    write("sheets/o-xa.xls", bytes(xls))
    xls = bytearray((FILES / "sheets" / "loi-cong-thuc.xls").read_bytes())
    at = xls.find(b"\x00\x02\x0e\x00")  # DIMENSIONS: first row, last row + 1, first column, last column + 1
    xls[at + 4:at + 16] = struct.pack("<IIHH", 0, 65536, 0, 65535)
    write("sheets/khai-vung-lon.xls", bytes(xls))
    out = io.BytesIO()
    with zipfile.ZipFile(FILES / "sheets" / "loi-cong-thuc.ods") as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "content.xml":
                body = body.replace(b"</table:table>", b'<table:table-row table:number-rows-repeated="1048000">'
                                    b'<table:table-cell table:number-columns-repeated="16384" office:value-type='
                                    b'"float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
                                    b"</table:table>", 1)
            dst.writestr(info, body, zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    write("sheets/o-xa.ods", out.getvalue())


def make_corrupt_xls(seed: int, number: int, target: str) -> None:
    """A fixture sheet with random bytes changed, as found by fuzzing (seed, file number of the fuzz run)."""
    import random

    rng = random.Random(seed)
    names = ["chibo-mau.xlsx", "chibo-mau.ods", "chibo-mau.xls", "chibo-loi.xls", "chibo-loi.ods", "chibo-loi.xlsx"]
    sheets = HERE.parent / "fixtures" / "sheets"
    for index in range(number + 1):
        name = rng.choice(names)
        data = bytearray((sheets / name).read_bytes())
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if index == number:
            write(f"sheets/{target}", bytes(data))


def csv_text(rows: list[list[object]]) -> str:
    return "".join(",".join(str(c) for c in row) + "\r\n" for row in rows)


def make_issue11() -> None:
    """Round two of hostile and unlucky input (issue 11): columns, look-alikes, NULs, encodings, rubrics."""
    answers = [0] * 46
    # 1. answers under headers tusoi does not read: look-alike ids, an id the rubric lacks, a blank header
    header = ["STT", "Họ và tên", "Mã đảng viên", "ＣＴ１", *ITEMS[1:4], "CT02", "C T6", "СТ7", "D20", "", "Ngày sinh",
              "Đơn vị"]
    write("sheets/cot-la.csv", csv_text([
        header, [1, "Nguyễn Văn An", "01.0001", 0, 0, 0, 0, 1, 2, 3, 1, 3, "01/02/1980", "Tổ 1"],
        [2, "Trần Thị Bình", "01.0002", 1, 0, 0, 0, "", "", "", "", "", "", "Tổ 2"]]))
    # 17. invisible characters in names and codes; 27. the header repeated between pages
    write("sheets/vo-hinh-va-lap-tieu-de.csv", csv_text([
        HEADER, [1, "Nguyễn\u200b Văn An", "01.0001", "Tốt", *answers],
        HEADER, [2, "Trần Thị\u00ad Bình", "01.0002\u202e", "Khá", 1, *answers[1:]],
        [3, "Lê Văn Cường", "01.0003", "", *answers]]))
    # 17. compare: two periods whose names differ only by invisible characters are the same people
    write("sheets/ky-cu.csv", csv_text([HEADER, MEMBERS[0], MEMBERS[1]]))
    write("sheets/ky-moi-vo-hinh.csv", csv_text([HEADER, [1, "Nguyễn Văn\u200b An", "", "Tốt", *answers],
                                                [2, "Trần\u2060 Thị Bình", "", "Khá", *answers]]))
    # 17. a whole header row typed with Cyrillic letters: no header is found, and the message says why
    write("sheets/tieu-de-cyrillic.csv", csv_text([["Họ và tên", "СТ1", "СТ2", "СТ3"], ["Nguyễn Văn An", 0, 1, 0]]))
    # 19. one NUL byte in the first 4 KB: the row is reported, the others are scored
    write("sheets/nul.csv", csv_text([HEADER, MEMBERS[0], [2, "Trần Thị\x00 Bình", "01.0002", "Khá", *answers],
                                      MEMBERS[2]]))
    # 20. a member code used twice and a row pasted twice
    write("sheets/trung.csv", csv_text([HEADER, MEMBERS[0], MEMBERS[1], MEMBERS[1],
                                        [4, "Lê Văn Cường", "01.0001", "", *answers]]))
    # 21. UTF-16 and UTF-32 without a byte-order mark
    write("sheets/utf16-khong-bom.csv", csv_text([HEADER, MEMBERS[0]]).encode("utf-16-le"))
    write("yaml/utf16-khong-bom.yaml", MEMBER.encode("utf-16-le"))
    write("yaml/utf32-khong-bom.yaml", MEMBER.encode("utf-32-be"))
    write("yaml/utf32-bom.yaml", MEMBER.encode("utf-32"))
    # 17. an id typed in Cyrillic (error, Latin hint) and in full width (folded silently)
    write("yaml/cyrillic.yaml", MEMBER.replace("  CT5: 1", "  СТ5: 1"))
    write("yaml/toan-khoang.yaml", MEMBER.replace("  CT5: 1", "  ＣＴ５: 1"))
    # 17. invisible characters in a member file's name and in an item id: removed, each with a located note
    write("yaml/vo-hinh.yaml", MEMBER.replace("Nguyễn Văn An", "Nguyễn\u200b Văn\u202e An")
          .replace("  CT5", "  C\u00adT5"))
    # 6. a cell whose r attribute is written twice (the guard read the first, calamine the last: SIGABRT)
    good = xlsx([["CHI BỘ KHU PHỐ 3"], [], HEADER, *MEMBERS])
    write("sheets/r-hai-lan.xlsx", patch_sheet(good, far_cell(b'<row r="7"><c r="A7" r="XFD1048576" t="n"><v>1</v>'
                                                               b"</c></row>")))
    # 9, 18, 23: rubrics that can never work as written
    base = (HERE.parent.parent / "src" / "tusoi_cli" / "rubrics" / "tusoi-mac-dinh.yaml").read_text(encoding="utf-8")
    write("rubrics/vo-cuc.yaml", base.replace("weight: 2", "weight: .inf", 1).replace("min_value: 3", "min_value: nan"))
    write("rubrics/khong-dat-duoc.yaml", base.replace("start: 100", "start: 50").replace("min_value: 3",
                                                                                         "min_value: -1"))
    write("rubrics/khong-bao-gio-ap-dung.yaml", base.replace("min_value: 1", "max_value: -2", 1))
    write("rubrics/include-tep-dang-vien.yaml", "id: sai\ninclude: [../yaml/bom-utf8.yaml]\n")
    write("rubrics/huyen-them.yaml", "id: huyen-them\nversion: \"1\"\ntitle: Huyện thêm CT10\n"
          "include: [tusoi-mac-dinh]\nsections:\n  - id: CT\n    items:\n      - id: CT10\n"
          "        title: Biểu hiện thêm của huyện\n")


def make_template_other_rubric() -> None:
    """1. A sheet made by `tusoi template sheet -r huyen-them.yaml` (CT10), with An's CT10 = 3."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "mau.xlsx"
        subprocess.run([sys.executable, "-m", "tusoi_cli", "template", "sheet", "-r",
                        str(FILES / "rubrics" / "huyen-them.yaml"), "--rows", "2", "-o", str(target)], check=True,
                       capture_output=True)
        wb = openpyxl.load_workbook(target)
        ws = wb.worksheets[0]
        headers = [str(c.value or "") for c in ws[7]]
        ws.cell(8, headers.index("Họ và tên") + 1, "Nguyễn Văn An")
        ws.cell(8, next(i for i, h in enumerate(headers) if h.startswith("CT10.")) + 1, 3)
        buffer = io.BytesIO()
        wb.save(buffer)
        write("sheets/mau-huyen-them.xlsx", buffer.getvalue())


if __name__ == "__main__":
    make_issue11()
    make_template_other_rubric()
    make_yaml()
    make_sheets()
    if "--soffice" in sys.argv:
        make_with_soffice()
    make_xls_and_ods_extents()
    make_corrupt_xls(1, 406, "hong-ben-trong.xls")  # calamine raises a Rust panic (and prints it on stderr)
    make_corrupt_xls(2, 2097, "hong-dau-tep.xls")  # calamine allocated 31 GB and aborted the process
