"""The thin HTTP shell: Starlette pages and JSON over the registry's use cases."""
