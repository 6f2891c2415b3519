"""Published cost-per-removal estimates set beside the model's, and why they differ."""
