"""API views; one module per resource or integration."""
