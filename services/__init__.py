"""The webcare services: one package per process, `python -m services.<name>`."""
