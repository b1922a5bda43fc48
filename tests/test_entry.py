"""The ``tempaid`` script: ``tempaid rules …`` starts without Flask (the web stack is over a second of
start-up the engine's commands never use); every other command still reaches the Flask group."""
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

FIXTURES = Path(__file__).parent / "rules" / "fixtures"
WEB_STACK = ("flask", "flask_appbuilder", "sqlalchemy", "werkzeug", "jinja2")


def imported_modules(*args):
    """Run ``python -X importtime -m app.entry ARGS``; ``(completed process, top-level packages imported)``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "app.entry", *args],
                          capture_output=True, text=True)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name.split(".")[0])
    return done, names


def test_the_console_script_is_the_lazy_entry():
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "tempaid"]
    assert script.value == "app.entry:main"


def test_rules_commands_import_no_web_stack():
    for args in (["rules", "validate", "--rules", str(FIXTURES)], ["rules", "--help"]):
        done, names = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "app" in names and "click" in names  # the measurement saw the imports
        assert not names & set(WEB_STACK), sorted(names & set(WEB_STACK))


def test_rules_evaluate_through_the_script_prints_the_verdict():
    done = subprocess.run([sys.executable, "-m", "app.entry", "rules", "evaluate", "--rules", str(FIXTURES), "-"],
                          input="[]", capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == '{"error": {"field": null, "message": "the input must be a JSON object"}}\n'


def test_other_commands_still_reach_the_flask_group():
    done, names = imported_modules("--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "flask" in names
    for command in ("db", "run", "rules", "roles", "regions"):
        assert command in done.stdout


def test_rules_commands_after_an_env_file_still_import_no_web_stack(tmp_path):
    """``tempaid -e /etc/tempaid/tempaid.env rules …`` (README, Deployment): the file's settings are read
    (here its RULES_DIR, a fixture folder) and the start stays without the web stack."""
    env = tmp_path / "tempaid.env"
    env.write_text(f"# the deployment's file\nRULES_DIR={FIXTURES}\n")
    for first in (["-e", str(env)], [f"--env-file={env}"]):
        done, names = imported_modules(*first, "rules", "validate")
        assert done.returncode == 0, done.stderr[-2000:]
        assert str(FIXTURES) in done.stdout + done.stderr  # validated the file's folder, not the default
        assert "app" in names and not names & set(WEB_STACK), sorted(names & set(WEB_STACK))


def test_a_missing_env_file_is_named_by_the_flask_group(tmp_path):
    done = subprocess.run([sys.executable, "-m", "app.entry", "-e", str(tmp_path / "nope.env"), "rules", "validate"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "nope.env" in done.stderr and "does not exist" in done.stderr
