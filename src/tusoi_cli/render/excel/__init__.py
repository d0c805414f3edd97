"""The Excel writers: the batch report through XlsxWriter (xlsxw.py); the others through openpyxl (styles.py).

openpyxl streams through lxml when lxml is installed (python-docx, for kiem-diem, brings it). The comparison's
big sheets are written as sheet XML text into openpyxl's own stream (fast_rows.py), which lxml's stream does not
take: with lxml, `compare -o .xlsx` of 20,000 members took 26.8x the bare reads instead of 7.8x (bench/compare.py).
So, unless the user chose otherwise, openpyxl is told not to use lxml (its documented OPENPYXL_LXML setting),
before any module of this package imports it.
"""

import os

os.environ.setdefault("OPENPYXL_LXML", "False")
