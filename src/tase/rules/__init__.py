"""Pure-Python statutory rules and calculations. Nothing here imports Django."""
