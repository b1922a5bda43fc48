"""The rules a running process serves, and how edits reach it without a restart.

A bad edit must never take the system down: :meth:`RuleStore.reload` re-validates the directory and,
on faults, keeps serving the last valid rules and hands the faults back. Several worker processes
share one rules directory, so each notices edits on its own with :meth:`refresh_if_changed`: a few
``stat`` calls, at most once per ``check_interval`` seconds, and a reload only when a file's size or
modification time changed (and then only the changed files are re-parsed, thanks to the per-file
cache). ``digest`` names the exact file contents that decided a verdict.
"""
from __future__ import annotations

import logging

import threading
import time
from pathlib import Path

from app.rules.faults import Fault, RulesInvalid
from app.rules.loader import check_directory, rule_files


log = logging.getLogger(__name__)


class RuleStore:
    """Holds the current valid :class:`~app.rules.ruleset.RuleSet` of a rules directory."""

    #: reads of the directory before a reload gives up waiting for files to stop changing under it
    LOAD_ATTEMPTS = 3

    def __init__(self, rules_dir, check_interval: float = 1.0):
        self.rules_dir = Path(rules_dir)
        self.check_interval = check_interval
        self.faults: list[Fault] = []  # the faults of the last reload that failed, [] after a good one
        self._cache: dict = {}
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._signature = self._stat_signature()
        rules, faults = check_directory(self.rules_dir, self._cache)
        if faults:
            raise RulesInvalid(faults)
        self._current = rules

    @property
    def current(self):
        """The rule set in force (always a valid one)."""
        return self._current

    @property
    def digest(self) -> str:
        """sha256 over the file names and contents of the rules in force."""
        return self._current.digest

    def _stat_signature(self) -> tuple:
        signature = []
        try:
            for rel in rule_files(self.rules_dir):
                st = (self.rules_dir / rel).stat()
                # the inode too: a save renames a new file into place (same size, maybe same tick)
                signature.append((rel, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            return ("unreadable", time.monotonic())
        return tuple(signature)

    def reload(self) -> list[Fault]:
        """Re-validate the directory; switch to the new rules when valid. Returns the faults ([] when
        the reload succeeded); on faults the last valid rules stay in force."""
        with self._lock:
            for _ in range(self.LOAD_ATTEMPTS):
                self._signature = self._stat_signature()
                try:
                    rules, faults = check_directory(self.rules_dir, self._cache)
                except Exception as exc:  # a bug or an unforeseen file must not take the service down
                    log.exception("loading %s failed; keeping the last valid rules", self.rules_dir)
                    rules, faults = None, [Fault(".", 1, 1, "(load)", type(exc).__name__,
                                                 "a loadable rule directory")]
                if self._stat_signature() == self._signature:
                    break  # no file moved while the directory was read: not a mix of two versions
            self.faults = faults
            if not faults:
                self._current = rules
            return faults

    def refresh_if_changed(self, force: bool = False) -> list[Fault] | None:
        """Reload when a rule file changed since the last look. Returns None when nothing changed (or it
        is too soon to look again), else what :meth:`reload` returned."""
        now = time.monotonic()
        if not force and now < self._next_check:
            return None
        self._next_check = now + self.check_interval
        if self._stat_signature() == self._signature:
            return None
        return self.reload()
