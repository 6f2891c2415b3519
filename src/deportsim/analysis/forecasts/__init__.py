"""Forecasts of monthly series: scoring quantile forecasts and the naive baselines."""
