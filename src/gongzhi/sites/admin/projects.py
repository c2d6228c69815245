"""Back office: projects."""
