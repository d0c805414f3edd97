"""Pure computations on models: scoring, batch accounting, comparison of two periods. No file I/O."""
