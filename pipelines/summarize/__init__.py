"""Labels -> summaries: findings per letter, counts per archive."""
