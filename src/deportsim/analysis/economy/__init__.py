"""The economy's analyses: which economic assumption matters most (Sobol indices)."""
