"""The ml-connector core: app factory, settings, database, vault, jobs, audit and the connector plugin API.

Installed as ``mlconnector.platform``. The folder is called ``platform`` like the standard-library module, so
when Python runs with the repository root as the current directory (``python -c``, ``python -m``) a plain
``import platform`` would find this folder first. The guard below hands such an import the real standard
library module instead, so this folder can never shadow it.
"""

if __name__ == "platform":  # pragma: no cover - only when the repo root is on sys.path
    import importlib.util as _util
    import sys as _sys
    import sysconfig as _sysconfig

    _spec = _util.spec_from_file_location("platform", f"{_sysconfig.get_paths()['stdlib']}/platform.py")
    _stdlib = _util.module_from_spec(_spec)
    _sys.modules["platform"] = _stdlib
    _spec.loader.exec_module(_stdlib)
