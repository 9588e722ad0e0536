"""Run several commands as one: `make run` and `make serve` start the web server and a
worker with it. Ctrl-C (or SIGTERM) stops them all; if one stops, the others are
stopped too and its exit status is ours.

    python scripts/together.py "manage.py runserver" "manage.py procrastinate worker"
"""

import shlex
import signal
import subprocess
import sys
import time


def main(commands: list[str]) -> int:
    children = [subprocess.Popen(shlex.split(command)) for command in commands]
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        ended = [child for child in children if child.poll() is not None]
        if ended:
            status = ended[0].returncode
            break
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children:
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
