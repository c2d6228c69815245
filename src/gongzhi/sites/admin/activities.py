"""Back office: activities."""
