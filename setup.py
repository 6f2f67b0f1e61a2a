"""Package discovery for the folder → ``mlconnector.*`` mapping declared in pyproject.toml.

setuptools cannot rename folders while discovering packages, so this walks each mapped folder and lists every
package under its import name. Everything else lives in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "mlconnector.platform": "platform",
    "mlconnector.tenants": "tenants",
    "mlconnector.web": "web",
    "mlconnector.connectors.commerce": "connectors/commerce",
    "mlconnector.connectors.qbd": "connectors/qbd",
}


def mapped_packages() -> list[str]:
    here = Path(__file__).parent
    found = []
    for name, folder in ROOTS.items():
        root = here / folder
        for init in sorted(root.rglob("__init__.py")):
            rel = init.parent.relative_to(root)
            found.append(".".join([name, *rel.parts]) if rel.parts else name)
    return found


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import it
    setup(packages=mapped_packages())
