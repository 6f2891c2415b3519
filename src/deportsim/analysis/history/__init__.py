"""The model against history: published figures, the detention backtest and its calibration."""
