#!/usr/bin/env python3
"""Run a command on a pseudo-terminal, answer its password prompt, report.

Usage: drive-tty.py PROMPT ANSWER-FILE OUTPUT-FILE -- COMMAND...
Waits (at most 30 s) for PROMPT on the terminal, types the first line of
ANSWER-FILE and Enter, collects everything the command writes to the
terminal until it exits, saves that to OUTPUT-FILE and exits with the
command's status (124 on timeout, 125 when the prompt never came).
The answer is read from a file so that it never appears in an argv; an
answer of "^C" types Ctrl-C instead.  A last line "[tty echo: on]" or
"[tty echo: off]" records the terminal's echo setting after the command
ended (a program must give echo back even when interrupted).
"""
import os
import pty
import select
import signal
import sys
import termios
import time


def main():
    prompt, answer_file, out_file = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with open(answer_file, "rb") as f:
        answer = f.readline().rstrip(b"\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    sent = False
    deadline = time.time() + 30
    status = None
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            out += chunk
        if not sent and prompt in out:
            time.sleep(0.2)       # let the program switch echo off
            os.write(fd, b"\x03" if answer == b"^C" else answer + b"\r")
            sent = True
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            try:
                while True:
                    r, _, _ = select.select([fd], [], [], 0.2)
                    if not r:
                        break
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    out += chunk
            except OSError:
                pass
            break
    end = time.time() + 5
    while status is None and time.time() < end:   # EOF came before the exit
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
        else:
            time.sleep(0.05)
    if status is None:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
    try:
        echo = termios.tcgetattr(fd)[3] & termios.ECHO
        out += b"\n[tty echo: %s]\n" % (b"on" if echo else b"off")
    except termios.error:
        out += b"\n[tty echo: unknown]\n"
    with open(out_file, "wb") as f:
        f.write(out)
    if not sent:
        sys.exit(125)
    if status is None:
        sys.exit(124)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
