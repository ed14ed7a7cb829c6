"""Legacy ``nd`` namespace (placeholder until written)."""
