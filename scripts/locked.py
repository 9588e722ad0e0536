"""Run a command while holding an exclusive file lock (stdlib only).

`make run` and `make test` set up the same virtualenv and database; the lock makes a
second one wait instead of installing or migrating at the same time.
"""

import fcntl
import subprocess
import sys
from pathlib import Path

lock_path = Path(sys.argv[1])
lock_path.parent.mkdir(parents=True, exist_ok=True)
with lock_path.open("w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    sys.exit(subprocess.call(sys.argv[2:]))
