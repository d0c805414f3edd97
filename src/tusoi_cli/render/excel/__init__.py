"""Excel workbooks: the batch report, the comparison report and the blank sheet template."""
