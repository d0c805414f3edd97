"""The command line end to end: score, the hostile-input corpus, output safety."""
