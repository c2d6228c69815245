"""Back office: care."""
