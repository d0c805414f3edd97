"""Computing: scoring, batch accounting, comparison of two periods, collation, review statuses."""
