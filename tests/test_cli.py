"""The ``tempaid`` command: a Flask CLI group with db, run, rules, roles and regions."""
import subprocess
import sys

from click.testing import CliRunner

from app.cli import cli


def test_group_lists_its_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "run", "rules", "roles", "regions"):
        assert command in result.output


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "--help"],
                         capture_output=True, text=True, check=True)
    assert "rules" in out.stdout


def test_roles_check_passes_on_shipped_file():
    result = CliRunner().invoke(cli, ["roles", "check"])
    assert result.exit_code == 0, result.output
    assert "roles OK" in result.output
