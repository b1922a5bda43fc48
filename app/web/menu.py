"""Which menu entries go with which screen: filled as the screens register, read by the role sync
(:mod:`app.security.sync`), which therefore needs no screen module."""
from __future__ import annotations

#: view class name → the menu entries (item, category) a role that may list it also sees
MENU_OF_VIEW: dict[str, tuple[str, ...]] = {}
