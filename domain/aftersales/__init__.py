"""After-sales (placeholder docstring, completed below)."""
