"""Back office: volunteers."""
