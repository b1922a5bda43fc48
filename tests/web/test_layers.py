"""One web layer under both doors (DESIGN.md, "Shape"): the API, the security package, the services and
the shared web layer import no screen module, and the services, scope rules and rules read no request.

Read from the sources with ``ast``, so a stray import fails here whatever is already loaded."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} | \
        {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def _sources(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(APP.parent)} imports {module}"
            for path in _sources(package) for module in sorted(_imports(path))
            if any(module == f or module.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("package", ["api", "security", "services", "web", "rules", "models", "public",
                                     "reports", "documents", "jobs"])
def test_no_screen_module_below_the_screens(package):
    assert _sources(package), f"app/{package} has no sources: the check would pass on nothing"
    assert _offenders(package, ("app.views",)) == []


@pytest.mark.parametrize("package", ["security", "services", "web", "rules", "models"])
def test_nothing_below_the_api_imports_it(package):
    assert _offenders(package, ("app.api",)) == []


def test_the_rules_import_no_flask_and_no_model():
    assert _offenders("rules", ("flask", "flask_appbuilder", "flask_babel", "app.models", "app.services",
                                "app.security", "app.web")) == []


@pytest.mark.parametrize("source", sorted(str(p.relative_to(APP)) for p in _sources("services"))
                         + ["security/scope.py", "security/sync.py", "security/roles.py"])
def test_services_and_scope_rules_take_the_user_as_an_argument(source):
    """Who acts is an argument; the request's user is read by the web layer only
    (:mod:`app.web.request_user`)."""
    path = APP / source
    assert "current_user" not in _names(path)
    assert not any(m.startswith(("flask_login", "app.web.request_user")) for m in _imports(path))


@pytest.mark.parametrize("package", ["security", "services"])
def test_security_and_services_never_read_the_request_user(package):
    """Masking, scope and every service are told who acts; none imports the web layer's request user
    (the security manager, Flask-AppBuilder's, is where FAB itself keeps its ``current_user``)."""
    assert _sources(package)
    assert _offenders(package, ("app.web.request_user", "app.web.viewer")) == []


def test_masking_takes_the_viewer_as_an_argument():
    """The masking functions name the user they mask for (the web layer passes the request's)."""
    import inspect

    from app.security import masking

    for function in (masking.viewer_sees_whole, masking.shown, masking.mask_record):
        assert "user" in inspect.signature(function).parameters, function.__name__


def test_the_checker_sees_an_import_of_a_screen(tmp_path):
    """The check itself can fail: a module importing a screen, even inside a function, is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from app.views.base import ScopedInterface\n", encoding="utf-8")
    assert "app.views.base" in _imports(probe)
