"""Option types shared by several commands (same flag, same help text everywhere)."""

from __future__ import annotations

from typing import Annotated

import typer

RubricOption = Annotated[str, typer.Option("--rubric", "-r", metavar="MÃ|TỆP",
                                            help="Bộ tiêu chí (mã có sẵn hoặc tệp .yaml).")]
KyOption = Annotated[str | None, typer.Option("--ky", metavar="KỲ",
                                               help="Kỳ đánh giá, ví dụ 2026; mặc định năm hiện tại.")]
ChiBoOption = Annotated[str | None, typer.Option("--chi-bo", metavar="TÊN", help="Tên chi bộ.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Cho phép ghi đè tệp đã có.")]
ForceOutputOption = Annotated[bool, typer.Option("--force", help="Cho phép ghi đè TỆP kết quả đã có.")]
