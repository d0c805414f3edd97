"""Vietnamese for the messages click and typer print themselves (usage errors, help headings).

Both libraries pass their strings through ``gettext`` but ship no Vietnamese catalogue, and a
user's locale cannot be relied on; so the ``_`` each module looks up at call time is replaced
with a lookup in this table, and typer's help-panel titles are set directly.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from typing import Any

MESSAGES = {
    "Usage:": "Cách dùng:",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Aborted!": "Đã dừng.",
    "Aborted.": "Đã dừng.",
    "Arguments": "Đối số",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Error": "Lỗi",
    "(deprecated) ": "(không còn dùng) ",
    "[default: {}]": "[mặc định: {}]",
    "[env var: {}]": "[biến môi trường: {}]",
    "[required]": "[bắt buộc]",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/].",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
}


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Translate typer.rich_utils when typer imports it, which it does only to print help or an error:
    importing it eagerly would cost every run about 25 ms (it pulls in rich's markdown support)."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "typer.rich_utils":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        original = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            install()

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_lazily() -> None:
    """Patch what is imported now, and typer's help renderer when it gets imported."""
    install()
    if "typer.rich_utils" not in sys.modules and not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())


def install() -> None:
    """Patch the already imported click modules and typer's help renderer."""
    for name in ("click.core", "click.exceptions", "click.decorators", "click.formatting", "click.parser",
                 "click.types", "click.termui", "typer.core", "typer.main", "typer.rich_utils"):
        module: Any = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    rich_utils: Any = sys.modules.get("typer.rich_utils")
    if rich_utils is not None:
        for constant in ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING",
                         "ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE",
                         "ERRORS_PANEL_TITLE", "ABORTED_TEXT", "RICH_HELP"):
            english = getattr(rich_utils, constant, None)
            if isinstance(english, str):
                setattr(rich_utils, constant, translate(english))
        # typer prints usage errors with the user's own words ("Thừa đối số (…)"): nothing in them may act on
        # the terminal either
        make_console = getattr(rich_utils, "_get_rich_console", None)
        if make_console is not None and not getattr(make_console, "tusoi_cleaned", False):
            from tusoi_cli.streams import cleaned

            def cleaned_console(stderr: bool = False) -> Any:
                return cleaned(make_console(stderr=stderr))

            cleaned_console.tusoi_cleaned = True  # type: ignore[attr-defined]
            rich_utils._get_rich_console = cleaned_console
