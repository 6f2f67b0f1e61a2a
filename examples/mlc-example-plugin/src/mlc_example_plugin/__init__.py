"""Example ml-connector source plugin: orders from a CSV file."""
