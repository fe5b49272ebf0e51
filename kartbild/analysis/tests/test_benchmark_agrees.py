"""The benchmark's pandas and DuckDB implementations compute the same kartbild as the engine
(at a small scale, so that a change to the metrics cannot silently leave them behind)."""

from __future__ import annotations

import pytest


def test_engine_pandas_and_duckdb_agree_on_a_small_organisation() -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("duckdb")
    bench_engine = pytest.importorskip("bench.bench_engine")
    outcome = bench_engine.compare_all(4000, seed=7)
    assert outcome["problems"] == []
    assert outcome["withheld"] == 0
