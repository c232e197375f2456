"""Run one command, and print its wall time, its own peak memory and how it ended, as JSON.

    python -S -I launch.py '{"argv": [...], "timeout": S, "out": PATH or null}'

procs.py starts the commands it measures through this small process rather than directly:
on Linux a child's max RSS counts the memory of the process that started it (`execve` keeps
the high-water mark of the address space it replaces, the parent's after a vfork), so a
benchmark that has grown while building a store would lend its own size to every command.
Started from here, a command's peak is its own, or this process's few MB if that is more.
It runs in the caller's folder and environment; the command's output goes to `out` (or is
thrown away), its errors are thrown away; a run longer than `timeout` seconds is killed.
"""

import json
import os
import signal
import sys
import time


def main() -> None:
    spec = json.loads(sys.argv[1])
    out = spec["out"] or os.devnull
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    killed = []

    def kill(_signum: int, _frame: object) -> None:
        killed.append(True)
        os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, kill)
    began = time.perf_counter()
    pid = os.posix_spawn(spec["argv"][0], spec["argv"], os.environ, file_actions=actions)
    signal.setitimer(signal.ITIMER_REAL, spec["timeout"])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - began
    signal.setitimer(signal.ITIMER_REAL, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"ms": elapsed * 1000, "maxrss_kib": usage.ru_maxrss, "code": code, "killed": bool(killed)}))


if __name__ == "__main__":
    main()
