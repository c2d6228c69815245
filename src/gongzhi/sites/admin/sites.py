"""Back office: sites."""
