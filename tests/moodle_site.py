"""A real Moodle for the ``moodle`` tests: started once per test session, driven by PHP scripts.

``../shared/moodle/start.sh DIR`` (beside the checkout; ``COURSEPACK_MOODLE_SHARED`` overrides
it) installs PHP and PostgreSQL, unpacks Moodle 4.5 into DIR and installs it. DIR is
``build/moodle-test`` (git-ignored; ``COURSEPACK_MOODLE_DIR`` overrides it). The first start
takes a few minutes, later ones about a second; PostgreSQL is stopped when the session ends.

Moodle's own code is reached through the project's CLI scripts in ``tests/moodle/*.php``: each
prints one JSON line, and :meth:`MoodleSite.php` fails the test on anything else it prints (a PHP
notice, a warning, a ``debugging()`` message) or on a notice it reported. :meth:`serve` runs
Moodle's web UI with ``php -S`` on 127.0.0.1 for the browser tests.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from lms.harness import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent / "moodle"
MARK = "@@coursepack-json@@"
START_TIMEOUT = 900          # first start: apt + unpack + install; later about 1 s


def shared_dir() -> Path:
    return Path(os.environ.get("COURSEPACK_MOODLE_SHARED") or REPO.parent / "shared" / "moodle")


def site_dir() -> Path:
    return Path(os.environ.get("COURSEPACK_MOODLE_DIR") or REPO / "build" / "moodle-test")


def read_env(path: Path) -> dict[str, str]:
    """The ``NAME='value'`` lines start.sh writes to DIR/moodle.env."""
    env: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("export ", "#")):
            name, _, value = line.partition("=")
            parts = shlex.split(value)
            env[name.strip()] = parts[0] if parts else ""
    return env


class MoodleSite:
    """One installed Moodle: its folder, PHP command line and (once served) web root."""

    def __init__(self, folder: Path, env: dict[str, str], started_in: float):
        self.folder = folder
        self.env = env
        self.started_in = started_in
        self.dir = Path(env["MOODLE_DIR"])
        self.wwwroot = env["MOODLE_WWWROOT"]
        self.php_command = shlex.split(env["MOODLE_PHP"])
        self.admin = (env["MOODLE_ADMIN"], env["MOODLE_ADMINPASS"])
        self.release = self._release()
        self._server: subprocess.Popen | None = None

    def _release(self) -> str:
        for line in (self.dir / "version.php").read_text(encoding="utf-8").splitlines():
            if line.startswith("$release"):
                return line.split("'")[1]
        raise AssertionError("no $release in version.php")

    def php(self, script: str, **options: Any) -> dict[str, Any]:
        """Run ``tests/moodle/<script>.php --name=value ...``; return its JSON answer.

        Fails when the script exits non-zero, prints anything besides its answer (stdout or
        stderr), or reports a PHP notice, warning or deprecation."""
        args = [*self.php_command, str(SCRIPTS / f"{script}.php")]
        args += [f"--{name}={value}" for name, value in options.items()]
        env = {**os.environ, **self.env}
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, cwd=self.dir)
        where = f"{script}.php {options}"
        assert done.returncode == 0, f"{where} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        assert done.stderr == "", f"{where} printed on stderr:\n{done.stderr[-4000:]}"
        head, mark, answer = done.stdout.rpartition(MARK)
        assert mark, f"{where} gave no answer:\n{done.stdout[-4000:]}"
        assert head == "" and answer.endswith("\n") and "\n" not in answer[:-1], \
            f"{where} printed more than its answer (a notice or debugging message?):\n{done.stdout[-4000:]}"
        data = json.loads(answer)
        assert data.pop("php_notices") == [], f"{where}: PHP raised notices"
        return data

    # --- the web UI ---------------------------------------------------------------------

    def serve(self) -> str:
        """Serve Moodle with ``php -S`` on its wwwroot's port (127.0.0.1); returns the wwwroot."""
        if self._server is None:
            port = int(self.env["MOODLE_WEBPORT"])
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise AssertionError(f"port {port} is taken: set MOODLE_WEBPORT for another one")
            # The first page a browser opens would compile the theme's CSS (SCSS) inside that
            # request, a minute or more on a busy 2-core machine: compile it here instead.
            subprocess.run([*self.php_command, str(self.dir / "admin" / "cli" / "build_theme_css.php"),
                            "--themes=boost", "--direction=ltr"], cwd=self.dir, capture_output=True,
                           timeout=600, check=True)
            log = open(self.folder / "logs" / "php-server.log", "ab")
            self._server = subprocess.Popen(
                [*self.php_command, "-S", f"127.0.0.1:{port}", "-t", str(self.dir)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}, cwd=self.dir,
                start_new_session=True)     # its own process group: the workers stop with it
            log.close()
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(self.wwwroot + "/login/index.php", timeout=10) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if self._server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"php -S did not serve Moodle (see {self.folder}/logs/php-server.log)")
                time.sleep(0.2)
        return self.wwwroot

    def stop(self) -> None:
        if self._server is not None:
            # php -S with workers: the workers ignore SIGTERM, so the whole group is killed
            os.killpg(self._server.pid, signal.SIGKILL)
            self._server.wait(timeout=30)
            self._server = None
        subprocess.run(["bash", str(shared_dir() / "stop.sh"), str(self.folder)], capture_output=True, timeout=120)


def unavailable() -> str:
    """Why this machine cannot run the test Moodle ("" when it can)."""
    shared = shared_dir()
    if not (shared / "start.sh").is_file():
        return f"no Moodle to test in: {shared}/start.sh is missing"
    if os.geteuid() != 0:
        return "the Moodle tests need root (start.sh installs PHP and PostgreSQL with apt)"
    return ""


def start_site() -> MoodleSite:
    """Start (installing the first time) the test Moodle; skip locally when it cannot be had.

    Without ``../shared/moodle`` (or without root, which start.sh needs for apt and PostgreSQL)
    the tests are skipped with one reason; under ``CI=true`` they fail instead."""
    if unavailable():
        skip_or_fail(unavailable())
    shared = shared_dir()
    folder = site_dir()
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    done = subprocess.run(["bash", str(shared / "start.sh"), str(folder)], capture_output=True, text=True,
                          timeout=START_TIMEOUT, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise AssertionError(f"Moodle did not start ({shared}/start.sh {folder}, exit {done.returncode}):\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return MoodleSite(folder, read_env(folder / "moodle.env"), time.monotonic() - t0)
