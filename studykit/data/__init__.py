"""Data files the package reads at run time: the ranker weights, the English word list."""
