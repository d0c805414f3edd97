"""Reading: YAML, member files, rubrics, sheets and folders, with located problems."""
