#!/usr/bin/env python3
"""Durability drill: acknowledged filings survive `kill -9` of `gongkai serve`.

Each round starts the server on the drill's SQLite data directory, files requests at the given
concurrency through POST /api/v1/agencies/{agency}/requests, records every 201 answer (number and
query code), kills the server with SIGKILL at a random moment, restarts it and checks that every
acknowledged request is present and intact (GET /api/v1/requests/{number}?query_code=... gives the
filed description and name). Then, with the server stopped: PRAGMA integrity_check = ok on the
database file and `gongkai audit-log verify` = OK. A last pass re-reads the acknowledgements of
every round. Exit 0 when nothing was lost and both checks passed every round, else 1.

Python 3.11, standard library only. Usage: scripts/drill.sh [--rounds N] [--quick] [--bin PATH]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENCY = "drill"
ID_NUMBER = "11010519491231002X"
PHONE = "13800138000"


def find_binary(given: str | None) -> Path:
    if given:
        return Path(given)
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "gongkai"
        if p.exists():
            return p
    print("drill: building target/debug/gongkai", file=sys.stderr)
    subprocess.run(["cargo", "build", "-p", "gongkai"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "gongkai"


class Server:
    """A running `gongkai serve` on a free port."""

    def __init__(self, binary: Path, data: Path, env: dict, extra: list[str]):
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--bind", "127.0.0.1:0", "--data", str(data), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        line = self._first_line(timeout=120)
        addr = next((w for w in line.split() if w.startswith("http://")), None)
        if addr is None:
            self.proc.kill()
            raise RuntimeError(f"the server printed no address: {line!r}")
        host, port = addr.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        # Keep reading its stdout so that it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _first_line(self, timeout: float) -> str:
        box: list[str] = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if not box or not box[0]:
            self.proc.kill()
            raise RuntimeError("the server did not start (no 'listening' line)")
        return box[0]

    def _drain(self) -> None:
        for _ in self.proc.stdout:
            pass

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill9()


def filing(i: int) -> dict:
    return {
        "applicant": {
            "kind": "natural_person",
            "name": f"演练申请人{i}",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": "drill@example.org",
        },
        "description": f"演练第{i}件申请：某地块征收补偿方案",
        "channel": "online",
        "delivery": "email",
    }


def file_requests(server: Server, concurrency: int, start_index: int, stop: threading.Event):
    """Files requests from `concurrency` threads until the server goes away. Returns the
    acknowledgements [(number, query_code, name, description)], the other answers by status and
    the time of the first request."""
    acks: list[tuple[str, str, str, str]] = []
    others: dict[int, int] = {}
    lock = threading.Lock()
    counter = [start_index]

    def client() -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        while not stop.is_set():
            with lock:
                i = counter[0]
                counter[0] += 1
            body = filing(i)
            try:
                conn.request(
                    "POST",
                    f"/api/v1/agencies/{AGENCY}/requests",
                    body=json.dumps(body, ensure_ascii=False).encode(),
                    headers={"content-type": "application/json"},
                )
                r = conn.getresponse()
                data = r.read()
            except (OSError, http.client.HTTPException):
                return  # the server was killed (or the connection dropped): stop
            if r.status == 201:
                v = json.loads(data)
                with lock:
                    acks.append(
                        (v["number"], v["query_code"], body["applicant"]["name"], body["description"])
                    )
            else:
                with lock:
                    others[r.status] = others.get(r.status, 0) + 1
                if r.status == 429:
                    time.sleep(float(r.getheader("retry-after", "1")))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    return threads, acks, others, lock, counter


def check_present(server: Server, acks, concurrency: int) -> list[str]:
    """The acknowledged numbers that are missing or not as filed."""
    chunks = [acks[i::concurrency] for i in range(concurrency)]

    def check(chunk) -> list[str]:
        bad = []
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        for number, code, name, description in chunk:
            for _attempt in range(20):
                conn.request("GET", f"/api/v1/requests/{number}?query_code={code}")
                r = conn.getresponse()
                data = r.read()
                if r.status != 429:
                    break
                time.sleep(float(r.getheader("retry-after", "1")))
            if r.status != 200:
                bad.append(f"{number}: HTTP {r.status}")
                continue
            v = json.loads(data)
            intact = (
                v.get("number") == number
                and v.get("description") == description
                and v.get("applicant", {}).get("name") == name
                and v.get("applicant", {}).get("id_number") == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
                and v.get("applicant", {}).get("phone") == PHONE[:3] + "****" + PHONE[-4:]
                and (v.get("events") or [{}])[0].get("type") == "received"
            )
            if not intact:
                bad.append(f"{number}: not as filed: {data[:200]!r}")
        conn.close()
        return bad

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return [b for bad in pool.map(check, chunks) for b in bad]


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(r[0] for r in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="the gongkai binary (default target/release/gongkai, else target/debug/gongkai, built if missing)")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="kill within 0.3-1.5 s of filing (CI); default 1-6 s")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--seed", type=int, default=None, help="random seed of the kill moments")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    args = ap.parse_args()

    binary = find_binary(args.bin)
    rng = random.Random(args.seed)
    env = {k: v for k, v in os.environ.items() if k not in ("GONGKAI_DATABASE_URL", "GONGKAI_PII_KEY")}
    env["RUST_LOG"] = "warn"
    data = Path(tempfile.mkdtemp(prefix="gongkai-drill."))
    db = data / "gongkai.sqlite3"
    help_text = subprocess.run([str(binary), "serve", "--help"], capture_output=True, text=True, env=env).stdout
    extra = []
    for flag in ("--filing-limit", "--tracking-limit"):
        if flag in help_text:
            extra += [flag, "0"]  # the drill measures durability, not the rate limits

    r = subprocess.run(
        [str(binary), "agency", "create", "--slug", AGENCY, "--name", "演练局", "--data", str(data)],
        capture_output=True, text=True, env=env,
    )
    if r.returncode != 0:
        print(f"drill: agency create failed: {r.stderr.strip()}", file=sys.stderr)
        return 1

    kill_window = (0.3, 1.5) if args.quick else (1.0, 6.0)
    print(f"drill: {binary} · data {data} · {args.rounds} rounds · concurrency {args.concurrency} · "
          f"kill at {kill_window[0]}-{kill_window[1]} s · serve {' '.join(extra) or '(no limit flags)'}")
    all_acks = []
    failures = []
    index = 0
    total_secs = 0.0
    for rnd in range(1, args.rounds + 1):
        server = Server(binary, data, env, extra)
        stop = threading.Event()
        moment = rng.uniform(*kill_window)
        started = time.monotonic()
        threads, acks, others, lock, counter = file_requests(server, args.concurrency, index, stop)
        time.sleep(moment)  # the random moment of the kill
        server.kill9()
        elapsed = time.monotonic() - started
        stop.set()
        for t in threads:
            t.join(60)
        index = counter[0]
        with lock:
            acks = list(acks)
        total_secs += elapsed

        server = Server(binary, data, env, extra)
        bad = check_present(server, acks, args.concurrency)
        server.stop()
        check = integrity(db)
        verify = subprocess.run(
            [str(binary), "audit-log", "verify", "--data", str(data)], capture_output=True, text=True, env=env
        )
        verified = verify.returncode == 0 and verify.stdout.startswith("OK")
        all_acks += acks
        lost = len(bad)
        print(
            f"round {rnd:2}: kill at {moment:4.2f} s · acknowledged {len(acks):5} · present {len(acks) - lost:5} · "
            f"lost {lost} · {len(acks) / elapsed:6.0f} filings/s · integrity {check} · "
            f"chain {verify.stdout.strip() or verify.stderr.strip()}"
            + (f" · other answers {others}" if others else "")
        )
        for b in bad[:10]:
            print(f"  {b}")
        if lost or check != "ok" or not verified:
            failures.append(rnd)

    # Every acknowledgement of every round, once more after the last restart.
    server = Server(binary, data, env, extra)
    bad = check_present(server, all_acks, args.concurrency)
    server.stop()
    if bad:
        failures.append("final")
    print(
        f"drill: {args.rounds} rounds · acknowledged {len(all_acks)} · present {len(all_acks) - len(bad)} · "
        f"lost {len(bad)} · {len(all_acks) / total_secs if total_secs else 0:.0f} filings/s while filing · "
        + ("OK" if not failures else f"FAILED in {failures}")
    )
    if args.keep or failures:
        print(f"drill: data kept in {data}")
    else:
        shutil.rmtree(data, ignore_errors=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
