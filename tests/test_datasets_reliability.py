"""Reliability of llmonkeys.datasets under concurrency, slow mirrors and
broken caches (issue 11, items 2, 3 and 5).

Everything runs on a tiny fake registry, mirror and cache in ``tmp_path``;
the HTTP mirrors are servers on 127.0.0.1 started by the tests. Deadlines
are set to a fraction of a second through ``LLMONKEYS_DATA_TIMEOUT`` so
that every stalling case ends within about a second.
"""

from __future__ import annotations

import hashlib
import http.server
import multiprocessing
import os
import socket
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pooch
import pytest

from llmonkeys import datasets
from llmonkeys.datasets import (
    DataCacheError,
    DataConfigError,
    DataFetchError,
    DataFileError,
    DataHashError,
    DataTimeoutError,
    cache_dir,
    fetch,
    fetch_all,
    fetch_timeout,
    registry,
)

FILES = {
    f"processed_data/file{i}.parquet": hashlib.sha256(str(i).encode()).digest() * 40
    for i in range(4)
} | {"raw_data/deep/sub/folder/data.jsonl": b'{"i": 0}\n' * 500}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A fake registry and mirror folder; an empty cache folder."""
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    lines = []
    for path, content in FILES.items():
        (mirror / path).parent.mkdir(parents=True, exist_ok=True)
        (mirror / path).write_bytes(content)
        lines.append(f"{path} sha256:{sha256(content)}")
    reg = tmp_path / "registry.txt"
    reg.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(datasets, "_REGISTRY_FILE", reg)
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", str(cache))
    monkeypatch.delenv("LLMONKEYS_DATA_TIMEOUT", raising=False)
    registry.cache_clear()
    yield {"mirror": mirror, "cache": cache, "root": tmp_path}
    registry.cache_clear()


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` that are not verified data files."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and str(p.relative_to(folder)) not in FILES)


def assert_all_verified(cache: Path) -> None:
    for path, content in FILES.items():
        assert (cache / path).read_bytes() == content, path
    assert leftovers(cache) == []


def assert_one_clear_line(err: DataFileError) -> str:
    msg = str(err)
    assert isinstance(err, DataFileError)
    assert "\n" not in msg and "Traceback" not in msg
    assert "Fix:" in msg or "; " in msg, msg
    return msg


# --------------------------------------------------------------------------
# Local HTTP mirrors on 127.0.0.1
# --------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class _Drip(http.server.BaseHTTPRequestHandler):
    """Answers 200 with a long body, one byte every ``interval`` seconds."""

    interval = 0.1
    in_status_line = False

    def handle_one_request(self):
        self.raw_requestline = self.rfile.readline(65537)
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        data = head if self.in_status_line else b""
        if not self.in_status_line:
            self.wfile.write(head)
            self.wfile.flush()
        try:
            for i in range(10_000):
                time.sleep(self.interval)
                self.wfile.write(data[i:i + 1] if i < len(data) else b"x")
                self.wfile.flush()
        except OSError:  # the client gave up: good
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


class _DripStatus(_Drip):
    in_status_line = True


class _Server:
    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(handler):
        servers.append(_Server(handler))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


# --------------------------------------------------------------------------
# Item 2: concurrent fetches on an empty cache
# --------------------------------------------------------------------------


def _fetch_all_in_child(_):
    return [str(p) for p in fetch_all()]


@pytest.mark.parametrize("rounds", [6])
def test_threads_fill_an_empty_cache(fake, rounds):
    # Before the fix, 4 threads failed 4 times in 160 calls with
    # "[Errno 17] File exists". Here: 8 threads, a fresh empty cache each
    # round, every file fetched by every thread.
    for r in range(rounds):
        cache = fake["root"] / f"cache-threads-{r}"
        os.environ["LLMONKEYS_DATA_DIR"] = str(cache)
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: fetch_all(), range(8)))
        expected = [cache / p for p in FILES]
        assert all(res == expected for res in results)
        assert_all_verified(cache)


def test_processes_fill_an_empty_cache(fake):
    ctx = multiprocessing.get_context("fork")
    for r in range(2):
        cache = fake["root"] / f"cache-procs-{r}"
        os.environ["LLMONKEYS_DATA_DIR"] = str(cache)
        with ProcessPoolExecutor(max_workers=4, mp_context=ctx) as pool:
            results = list(pool.map(_fetch_all_in_child, range(8)))
        assert all(res == [str(cache / p) for p in FILES] for res in results)
        assert_all_verified(cache)


def test_threads_fill_an_empty_cache_from_an_http_mirror(fake, serve):
    url = serve(partial(_Quiet, directory=str(fake["mirror"])))
    os.environ["LLMONKEYS_DATA_MIRROR"] = url.upper().replace("HTTP", "HTTP", 1)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: fetch_all(), range(6)))
    assert_all_verified(fake["cache"])


# --------------------------------------------------------------------------
# Item 3: an overall deadline for HTTP mirrors
# --------------------------------------------------------------------------

PATH = "processed_data/file0.parquet"


@pytest.mark.parametrize("kind", ["silent", "drip-body", "drip-status"])
def test_stalling_mirror_hits_the_deadline(fake, monkeypatch, serve, silent_port,
                                           kind):
    if kind == "silent":
        url = f"http://127.0.0.1:{silent_port}/"
    else:
        url = serve(_Drip if kind == "drip-body" else _DripStatus)
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", url)
    monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", "0.6")
    start = time.monotonic()
    with pytest.raises(DataTimeoutError) as info:
        fetch(PATH)
    elapsed = time.monotonic() - start
    assert 0.5 < elapsed < 2.5, elapsed
    msg = assert_one_clear_line(info.value)
    assert isinstance(info.value, DataFetchError)
    assert PATH in msg and "0.6 s" in msg
    assert "LLMONKEYS_DATA_TIMEOUT" in msg and "LLMONKEYS_DATA_MIRROR" in msg
    # No temporary file survives, and no data file appears.
    assert leftovers(fake["cache"]) == []
    assert not (fake["cache"] / PATH).exists()


def test_http_errors_and_refused_connections(fake, monkeypatch, serve):
    url = serve(partial(_Quiet, directory=str(fake["root"] / "cache")))
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", url)
    with pytest.raises(DataFetchError, match=r"HTTP 404") as info:
        fetch(PATH)
    assert "check that LLMONKEYS_DATA_MIRROR points at" in str(info.value)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there now
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", f"http://127.0.0.1:{port}/x")
    with pytest.raises(DataFetchError, match=r"check the network") as info:
        fetch(PATH)
    assert not isinstance(info.value, DataTimeoutError)
    assert leftovers(fake["cache"]) == []


@pytest.mark.parametrize("scheme", ["HTTP", "Http", "http"])
def test_upper_case_scheme_is_a_url(fake, monkeypatch, serve, scheme):
    url = serve(partial(_Quiet, directory=str(fake["mirror"])))
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", scheme + url[4:])
    assert fetch(PATH).read_bytes() == FILES[PATH]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon", "1e400"])
def test_bad_timeout_is_refused(fake, monkeypatch, value):
    monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", value)
    with pytest.raises(DataConfigError, match=r"LLMONKEYS_DATA_TIMEOUT=.* is "
                       r"not a number of seconds > 0"):
        fetch(PATH)
    assert leftovers(fake["cache"]) == []


def test_timeout_default_and_blank(monkeypatch):
    monkeypatch.delenv("LLMONKEYS_DATA_TIMEOUT", raising=False)
    assert fetch_timeout() == datasets.DEFAULT_TIMEOUT
    monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", "  ")
    assert fetch_timeout() == datasets.DEFAULT_TIMEOUT
    monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", "2.5")
    assert fetch_timeout() == 2.5


# --------------------------------------------------------------------------
# Item 5: configuration and cache problems become clear DataFileErrors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", " ", "\t \n"])
def test_blank_cache_dir_means_the_user_cache(monkeypatch, tmp_path, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", value)
    assert cache_dir() == Path(pooch.os_cache("llmonkeys"))
    assert list(tmp_path.iterdir()) == []  # no folder named ' '


@pytest.mark.parametrize("value", ["ftp://example.invalid/data",
                                   "sftp://host/data", "FILE:///tmp"])
def test_unsupported_scheme(fake, monkeypatch, value):
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", value)
    with pytest.raises(DataConfigError, match=r"unsupported scheme"):
        fetch(PATH)


def test_upper_case_https_base(monkeypatch):
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", "HTTPS://example.invalid/d/")
    source = datasets._source()
    assert source.base_url == "https://example.invalid/d/"


def _deny(*args, **kwargs):
    raise PermissionError(13, "Permission denied", str(args[0]) if args else "")


def test_cache_folder_in_the_way(fake, monkeypatch):
    # The cache "folder" is a file.
    blocker = fake["root"] / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", str(blocker))
    with pytest.raises(DataCacheError, match=r"a file is in the way") as info:
        fetch(PATH)
    assert "network" not in str(info.value)
    assert "LLMONKEYS_DATA_DIR" in str(info.value)


def test_cached_file_is_a_folder(fake):
    (fake["cache"] / PATH).mkdir(parents=True)
    with pytest.raises(DataCacheError, match=r"a folder is in the way") as info:
        fetch(PATH)
    assert str(fake["cache"] / PATH) in str(info.value)
    assert "network" not in str(info.value)


def test_mirror_entry_is_a_folder(fake):
    (fake["mirror"] / PATH).unlink()
    (fake["mirror"] / PATH).mkdir()
    with pytest.raises(DataFetchError, match=r"is a folder in the mirror"):
        fetch(PATH)
    assert leftovers(fake["cache"]) == []


@pytest.mark.parametrize("where", ["mkdir", "mkstemp", "hash-cached"])
def test_permission_errors_on_the_cache(fake, monkeypatch, where):
    if where == "mkdir":
        monkeypatch.setattr(Path, "mkdir", _deny)
    elif where == "mkstemp":
        monkeypatch.setattr(datasets.tempfile, "mkstemp", _deny)
    else:
        fetch(PATH)
        monkeypatch.setattr(datasets.pooch, "file_hash", _deny)
    with pytest.raises(DataCacheError, match=r"permission denied") as info:
        fetch(PATH)
    msg = assert_one_clear_line(info.value)
    assert "network" not in msg
    assert "LLMONKEYS_DATA_DIR" in msg


def test_permission_error_reading_the_mirror(fake, monkeypatch):
    real_open = open

    def guarded(file, *args, **kwargs):
        if str(file).startswith(str(fake["mirror"])):
            _deny(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded)
    with pytest.raises(DataFetchError, match=r"cannot be read \(permission "
                       r"denied\)") as info:
        fetch(PATH)
    assert "network" not in str(info.value)
    monkeypatch.undo()
    assert leftovers(fake["cache"]) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions as a non-root user")
def test_read_only_cache_folder(fake):
    fake["cache"].mkdir()
    fake["cache"].chmod(0o500)
    try:
        with pytest.raises(DataCacheError, match=r"permission denied") as info:
            fetch(PATH)
        assert "network" not in str(info.value)
    finally:
        fake["cache"].chmod(0o700)


def test_disk_full_while_writing(fake, monkeypatch):
    import errno

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, chunk):
            raise OSError(errno.ENOSPC, "No space left on device")

    real = datasets._transfer
    monkeypatch.setattr(datasets, "_transfer",
                        lambda s, p, out, t: real(s, p, Full(out), t))
    with pytest.raises(DataCacheError, match=r"no space left") as info:
        fetch(PATH)
    assert "network" not in str(info.value)
    assert leftovers(fake["cache"]) == []


# --------------------------------------------------------------------------
# Fuzz: many broken states, one rule
# --------------------------------------------------------------------------


def _states(fake, monkeypatch, serve, silent_port):
    """Yield (name, setup) pairs of broken or odd states."""
    root = fake["root"]

    def env(name, value):
        return lambda: monkeypatch.setenv(name, value)

    def corrupt_cache():
        fetch(PATH)
        (fake["cache"] / PATH).write_bytes(b"corrupt")

    def tamper_mirror():
        (fake["mirror"] / PATH).write_bytes(b"tampered")

    def remove_mirror_file():
        (fake["mirror"] / PATH).unlink()

    def silent():
        monkeypatch.setenv("LLMONKEYS_DATA_MIRROR",
                           f"http://127.0.0.1:{silent_port}/")
        monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", "0.3")

    def drip():
        monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", serve(_Drip))
        monkeypatch.setenv("LLMONKEYS_DATA_TIMEOUT", "0.3")

    (root / "file").write_text("x")
    return [
        ("mirror-missing", env("LLMONKEYS_DATA_MIRROR", str(root / "nope"))),
        ("mirror-is-file", env("LLMONKEYS_DATA_MIRROR", str(root / "file"))),
        ("mirror-scheme", env("LLMONKEYS_DATA_MIRROR", "gopher://x/")),
        ("cache-is-file", env("LLMONKEYS_DATA_DIR", str(root / "file"))),
        ("cache-below-file", env("LLMONKEYS_DATA_DIR", str(root / "file" / "c"))),
        ("timeout-zero", env("LLMONKEYS_DATA_TIMEOUT", "0")),
        ("timeout-text", env("LLMONKEYS_DATA_TIMEOUT", "ten")),
        ("corrupt-cache", corrupt_cache),
        ("tampered-mirror", tamper_mirror),
        ("missing-in-mirror", remove_mirror_file),
        ("silent-server", silent),
        ("drip-server", drip),
    ]


EXPECTED_ERROR = {
    "mirror-missing": DataConfigError, "mirror-is-file": DataConfigError,
    "mirror-scheme": DataConfigError, "cache-is-file": DataCacheError,
    "cache-below-file": DataCacheError, "timeout-zero": DataConfigError,
    "timeout-text": DataConfigError, "corrupt-cache": DataHashError,
    "tampered-mirror": DataHashError, "missing-in-mirror": DataFetchError,
    "silent-server": DataTimeoutError, "drip-server": DataTimeoutError,
}


@pytest.mark.parametrize("state", sorted(EXPECTED_ERROR))
def test_fuzz_broken_states_give_one_clear_error(fake, monkeypatch, serve,
                                                 silent_port, state):
    setup = dict(_states(fake, monkeypatch, serve, silent_port))[state]
    setup()
    start = time.monotonic()
    with pytest.raises(DataFileError) as info:
        fetch(PATH)
    assert time.monotonic() - start < 2.0
    assert type(info.value) is EXPECTED_ERROR[state]
    msg = assert_one_clear_line(info.value)
    assert PATH in msg or "LLMONKEYS_" in msg
    if not isinstance(info.value, DataFetchError):
        assert "check the network" not in msg
    # Nothing half-written, and a cached file is never a wrong one.
    assert [p for p in leftovers(fake["cache"]) if p != PATH] == []
    cached = fake["cache"] / PATH
    if cached.is_file() and state != "corrupt-cache":
        assert cached.read_bytes() == FILES[PATH]
