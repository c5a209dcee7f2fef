"""The built-in exercise pack (TOML data) shipped inside the package."""
