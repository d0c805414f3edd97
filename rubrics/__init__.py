"""The bundled rubrics, shipped inside the package as ``tusoi_cli.rubrics`` (package data, no code).

They live at the repository's top level so that a rubric author finds them without opening ``src/``;
pyproject.toml maps this folder to the package ``tusoi_cli.rubrics``. Code finds them through
:func:`tusoi_cli.resources.bundled_dir`, never through a path next to a module.
"""
