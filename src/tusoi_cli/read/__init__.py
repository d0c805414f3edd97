"""Files to models, with located problems: YAML, member files, rubrics, sheets, folders."""
