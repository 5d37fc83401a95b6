"""Route: hands each classified mention to every department that should see it."""
