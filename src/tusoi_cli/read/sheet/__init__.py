"""Spreadsheets (.xlsx, .xls, .ods, .csv) to tables of cells, with guards against damaged or hostile files."""
