"""Sites and services in the back office (each concern registers its own lists here)."""
