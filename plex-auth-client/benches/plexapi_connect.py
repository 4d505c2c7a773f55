"""python-plexapi's connection choice on the loopback stand-ins of the connect bench.

For each scenario, starts the bench binary in its serve mode (the same stand-ins the Rust bench
measures), builds python-plexapi's MyPlexResource from the device it prints, and times
MyPlexResource.connect() five times: the median, and the URL chosen. Once with python-plexapi's
defaults, once with its fast connect (plexapi.enable_fast_connect). The timeout is the library's
default unless --timeout is given.

Not part of CI; python-plexapi is installed in a scratch virtual environment, outside the
repository. From the repository root:

    python3 -m venv <scratch>/venv && <scratch>/venv/bin/pip install plexapi==4.18.3
    <scratch>/venv/bin/python plex-auth-client/benches/plexapi_connect.py
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ElementTree

import plexapi
import plexapi.myplex as myplex
import requests

SCENARIOS = ["a", "b", "c", "d"]
RUNS = 5


def serve(scenario):
    """Starts the stand-ins; returns the process and the device's XML."""
    env = dict(os.environ, PLEX_AUTH_BENCH_CONNECT_SERVE=scenario)
    process = subprocess.Popen(
        ["cargo", "bench", "-q", "--locked", "-p", "plex-auth-client", "--bench", "connect"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"scenario {scenario}: the stand-ins did not start")
        if line.startswith("expected "):
            return process, "".join(lines)
        lines.append(line)


def measure(xml, timeout):
    """RUNS connections: (median ms, the URL chosen by each run)."""
    times, chosen = [], []
    for _ in range(RUNS):
        server = types.SimpleNamespace(_session=requests.Session())
        resource = myplex.MyPlexResource(server, ElementTree.fromstring(xml))
        started = time.perf_counter()
        try:
            pms = resource.connect(timeout=timeout)
            chosen.append(pms._baseurl)
        except Exception as error:  # the failure is the result
            chosen.append(f"error: {error}")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), chosen


def places_of(xml):
    """Each connection's URL (as python-plexapi forms it) -> local, remote or relay."""
    places = {}
    for connection in ElementTree.fromstring(xml).iter("connection"):
        if connection.get("relay") == "1":
            place = "relay"
        elif connection.get("local") == "1":
            place = "local"
        else:
            place = "remote"
        places[connection.get("uri")] = place
        places[f"http://{connection.get('address')}:{connection.get('port')}"] = place
    return places


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=None)
    args = parser.parse_args()
    print(f"python-plexapi {plexapi.VERSION}, {RUNS} runs per scenario, median")
    for scenario in SCENARIOS:
        process, xml = serve(scenario)
        try:
            for fast in (False, True):
                myplex.X_PLEX_ENABLE_FAST_CONNECT = fast
                median, chosen = measure(xml, args.timeout)
                places = places_of(xml)
                picks = sorted(set(places.get(url.rstrip("/"), url) for url in chosen))
                mode = "fast connect" if fast else "default"
                print(f"{scenario}  {mode:<13} {median:>9.0f} ms  chose: {', '.join(picks)}")
        finally:
            process.stdin.close()
            process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
