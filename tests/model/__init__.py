"""The models and their pure derivations (no I/O)."""
