"""Qt views and controllers of the studio window."""
