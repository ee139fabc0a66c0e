"""Fail when requirements.lock no longer satisfies pyproject.toml.

A dependency added to pyproject.toml but not to the lock would install on the machine of the
engineer who added it and nowhere else; `make lock` regenerates the lock.
"""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def locked_versions(lock_text: str) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;]+)", lock_text, flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"].get("dev", [])]
    locked = locked_versions((ROOT / "requirements.lock").read_text())
    problems = []
    for line in wanted:
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} does not satisfy '{line}'")
    if problems:
        print("requirements.lock is out of date with pyproject.toml:", *problems, sep="\n  ")
        print("Run `make lock` and commit requirements.lock.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
