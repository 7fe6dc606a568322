#!/usr/bin/env python3
"""pty-run.py COLS [--stdout-only] CMD...: runs CMD with a pseudo-terminal of
COLS columns (TIOCSWINSZ; 0: the size is not set) as its stdin, stdout and
stderr, as an interactive shell would, and writes everything CMD wrote to the
terminal to our stdout with the terminal's CRLF turned into LF (a bare CR
stays).  --stdout-only: CMD's stderr stays ours (a pipe or file), so that
only stdout is on the terminal.  Exits with CMD's status (128+N for a
signal)."""
import fcntl, os, pty, struct, sys, termios

cols = int(sys.argv[1])
args = sys.argv[2:]
stdout_only = args and args[0] == "--stdout-only"
if stdout_only:
    args = args[1:]
errfd = os.dup(2)
pid, fd = pty.fork()
if pid == 0:
    if cols > 0:
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    if stdout_only:
        os.dup2(errfd, 2)
    os.execvp(args[0], args)
out = bytearray()
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out).replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
