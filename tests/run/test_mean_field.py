"""A mean-field run: one deterministic replicate, the same each time, with no interval."""

from __future__ import annotations

import pytest

from deportsim import api


def test_a_mean_field_run_is_deterministic_and_has_no_interval() -> None:
    cfg = api.RunConfig.latest("directive-2025", years=0.2, replicates=1, mean_field=True)
    one = api.run(cfg).summary
    two = api.run(api.RunConfig.latest("directive-2025", years=0.2, replicates=1, seed=5,
                                       mean_field=True)).summary  # fmt: skip
    assert one["mean_field"] is True
    assert one["intervals"]["include"] == []
    assert one["metrics"] == two["metrics"]  # no random number is drawn: the seed changes nothing
    m = one["metrics"]["removals_total"]
    assert m["p05"] == m["p50"] == m["p95"] == m["mean"] > 0


def test_its_path_is_close_to_the_mean_of_random_replicates() -> None:
    mean_field = api.run(api.RunConfig.latest("directive-2025", years=0.5, replicates=1,
                                              mean_field=True)).summary  # fmt: skip
    noisy = api.run(api.RunConfig.latest("directive-2025", years=0.5, replicates=20)).summary
    for metric in ("arrests_total", "removals_total", "detained_mean"):
        a, b = mean_field["metrics"][metric]["mean"], noisy["metrics"][metric]["mean"]
        assert abs(a - b) / b < 0.02, (metric, a, b)


@pytest.mark.parametrize("options", [{"replicates": 2}, {"parameter_uncertainty": True}])
def test_a_mean_field_run_is_one_replicate_with_fixed_parameters(
    options: dict[str, object],
) -> None:
    cfg = api.RunConfig.latest("directive-2025", years=0.1, mean_field=True,
                               **{"replicates": 1, **options})  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(api.UserError, match="mean-field"):
        api.run(cfg)
