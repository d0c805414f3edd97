"""PDF from .docx through LibreOffice Writer (``soffice --headless --convert-to pdf``), in a temporary folder.

One soffice run converts every document of a cell (starting LibreOffice costs more than a page). A private
user profile keeps it apart from a LibreOffice the user has open, and from other runs at the same time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tusoi_cli.errors import UsageError

MISSING = ("ghi PDF cần LibreOffice Writer nhưng không tìm thấy lệnh 'soffice' — cài LibreOffice (Debian/Ubuntu: "
           "sudo apt install libreoffice-writer-nogui fonts-liberation), hoặc ghi .docx rồi tự in ra PDF")
TIMEOUT_S = 120  # per document: a first start of LibreOffice builds its profile


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(documents: Sequence[bytes]) -> list[bytes]:
    """The PDF of each .docx, in order. Raises :class:`UsageError` when LibreOffice is missing or fails."""
    program = soffice()
    if program is None:
        raise UsageError(MISSING)
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="tusoi-pdf-") as temp:
        folder = Path(temp)
        names = []
        for number, data in enumerate(documents, start=1):
            name = folder / f"{number:05d}.docx"
            name.write_bytes(data)
            names.append(name)
        profile = (folder / "profile").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
                   "pdf:writer_pdf_Export", "--outdir", str(folder / "pdf"), *map(str, names)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S * len(names), check=False,
                                  env={**os.environ, "HOME": temp})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"LibreOffice không chuyển được sang PDF ({exc}) — ghi .docx rồi tự in ra PDF") from None
        pdfs = []
        for name in names:
            pdf = folder / "pdf" / (name.stem + ".pdf")
            if not pdf.is_file():
                said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
                detail = f": {said[-1]}" if said else ""
                raise UsageError(f"LibreOffice không tạo được tệp PDF (mã thoát {done.returncode}{detail}) — ghi "
                                 ".docx rồi tự in ra PDF")
            pdfs.append(pdf.read_bytes())
        return pdfs
