"""The thin HTTP shell: Starlette pages and JSON over the registry's use cases."""

from web.convertors import install as _install_convertors

_install_convertors()
