"""FinCloud benchmarks (see README.md)."""
