"""factbot's quality harness: real documentation, gold evidence, a plain BM25 baseline.

Run `make quality` or `python -m bench.quality --help`.
"""
