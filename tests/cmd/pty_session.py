"""A crash session on a real pseudo-terminal, for the interactive tests:
what the user types goes in, what the terminal would show comes out
(escape sequences removed)."""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r|\x07")


class PtySession:
    def __init__(self, argv, env, rows=24, cols=80, cwd=None):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True,
                                     preexec_fn=self._ctty(slave))
        os.close(slave)
        self.raw = b""
        self.seen = 0   # how far expect() has matched

    @staticmethod
    def _ctty(fd):
        def set_ctty():
            # the pty becomes the controlling terminal: Ctrl-C typed into
            # it sends SIGINT to the foreground process group
            fcntl.ioctl(fd, termios.TIOCSCTTY, 0)
        return set_ctty

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.raw += data
        return True

    def text(self):
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def expect(self, pattern, timeout=60):
        """Wait for pattern (a regex) after what was matched before;
        returns the match or None."""
        end = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.text(), self.seen)
            if m:
                self.seen = m.end()
                return m
            left = end - time.time()
            if left <= 0 or (not self._read(min(left, 0.5)) and
                             self.proc.poll() is not None and
                             not self._read(0.1)):
                if self.proc.poll() is not None or left <= 0:
                    return None

    def drain(self, seconds=0.3):
        end = time.time() + seconds
        while time.time() < end:
            self._read(0.05)

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str)
                 else data)

    def close(self, timeout=30):
        if self.proc.poll() is None:
            try:
                self.send("q\n")
                self.proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.drain(0.1)
        os.close(self.master)
        return self.proc.returncode
