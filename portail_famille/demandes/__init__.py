"""Change requests (demandes): made by families, processed by staff."""
