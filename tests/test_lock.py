"""The issue lock: one holder across processes, its pid named to the loser, nothing stale after a kill."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from weeklydigest.lock import IssueLock, IssueLocked

HOLD = ("import sys; from pathlib import Path; from weeklydigest.lock import IssueLock\n"
        "with IssueLock(Path(sys.argv[1]), '2025-W46'):\n"
        "    print('held', flush=True); sys.stdin.readline()\n")


def _holder(folder) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    return child


def test_the_loser_is_told_the_holders_pid(tmp_path):
    holder = _holder(tmp_path)
    try:
        with pytest.raises(IssueLocked) as caught, IssueLock(tmp_path, "2025-W46"):
            pass
        assert str(caught.value) == (f"2025-W46 is being built by another process (pid {holder.pid}); "
                                     "not building it twice")
        assert caught.value.exit_code == 75
    finally:
        holder.communicate("done\n", timeout=10)
    with IssueLock(tmp_path, "2025-W46"):
        pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = _holder(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with IssueLock(tmp_path, "2025-W46") as lock:
        assert lock.path.read_text(encoding="ascii").strip().isdigit()
    assert lock.path.read_text(encoding="ascii") == "", "the pid is cleared on release"


def test_other_issues_are_not_locked(tmp_path):
    with IssueLock(tmp_path, "2025-W46"), IssueLock(tmp_path, "2025-W47"):
        pass
