"""The scale benchmark: a synthetic workforce generator, the pandas peer and the timing harness (see docs/benchmarks.md)."""
