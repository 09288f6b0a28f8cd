"""``pip install`` gives a working ``llmonkeys`` command outside the book's folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pip_install_gives_a_working_command(tmp_path):
    # Copy the package sources, so that the build writes nothing into the repo.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "lib", src / "lib",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    target = tmp_path / "target"
    # --no-deps and --no-build-isolation: the dependencies and the build
    # backend are those of this environment (no download, a few seconds).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--disable-pip-version-check",
         "--target", str(target), str(src)],
        check=True, capture_output=True, text=True)
    script = target / "bin" / "llmonkeys"
    assert script.is_file()

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "results.csv").write_text(
        "problem,n,c\n" + "".join(f"q{i},50,{c}\n" for i, c in
                                  enumerate([0, 1, 3, 8, 20, 50, 2, 0, 5, 11])))
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONWARNINGS": "ignore"}
    where = subprocess.run(
        [sys.executable, "-c", "import llmonkeys; print(llmonkeys.__file__)"],
        cwd=work, env=env, check=True, capture_output=True, text=True)
    assert where.stdout.startswith(str(target))  # the installed copy, not the repo
    # the console script, run with this environment's Python
    run = subprocess.run(
        [sys.executable, str(script), "fit", "results.csv", "--n-boot", "5",
         "--k", "1", "10"], cwd=work, env=env, capture_output=True, text=True,
        check=False)
    assert run.returncode == 0, run.stderr
    assert "== results: 10 problems, 500 attempts, 8 solved at least once" in run.stdout
    assert "k = 1          0.2\n" in run.stdout  # mean of c / n = 100 / 500
    assert run.stderr == ""
