"""Rendering: the Excel report and templates, printed layout, report cells."""
