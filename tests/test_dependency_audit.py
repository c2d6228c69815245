"""`make audit` (tools/audit_dependencies.py): fails on a known vulnerability, says NOT AUDITED without network.

pip-audit is replaced here by a small stand-in script that answers as pip-audit does (its JSON
report, or a connection error), so each verdict is checked without the network.
"""
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import gongzhi

TOOL = Path(gongzhi.__file__).resolve().parents[2] / "tools" / "audit_dependencies.py"


def stand_in(tmp_path, report=None, stderr="", returncode=0):
    """A fake pip-audit that writes ``report`` to its -o file, prints ``stderr`` and exits with ``returncode``."""
    script = tmp_path / "pip-audit"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys, json
        args = sys.argv[1:]
        open({str(tmp_path / "args.json")!r}, "w").write(json.dumps(args))
        report = {json.dumps(report)!r}
        if report != "null":
            open(args[args.index("-o") + 1], "w").write(report)
        sys.stderr.write({stderr!r})
        sys.exit({returncode})
        """))
    script.chmod(0o755)
    return script


def run(tmp_path, script):
    return subprocess.run([sys.executable, str(TOOL), "--pip-audit", str(script), "--python", sys.executable],
                          capture_output=True, text=True, timeout=120)


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix(tmp_path):
    report = {"dependencies": [
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.1"], "aliases": ["CVE-2099-1"]}]},
        {"name": "shapely", "version": "2.2.0", "vulns": []},
    ], "fixes": []}
    done = run(tmp_path, stand_in(tmp_path, report, returncode=1))
    assert done.returncode == 1
    assert "VULNERABLE: django 5.2.0: PYSEC-2099-1 (CVE-2099-1); fixed in 5.2.1" in done.stdout


def test_a_clean_audit_passes_and_says_how_many_packages_it_checked(tmp_path):
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []},
                               {"name": "local-thing", "skip_reason": "Dependency not found on PyPI"}], "fixes": []}
    done = run(tmp_path, stand_in(tmp_path, report))
    assert done.returncode == 0
    assert "No known vulnerabilities in 1 audited packages (1 skipped)." in done.stdout


def test_without_the_vulnerability_database_every_package_is_skipped_and_the_audit_says_so_without_failing(tmp_path):
    report = {"dependencies": [{"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
                               for n in ("django", "shapely")], "fixes": []}
    done = run(tmp_path, stand_in(tmp_path, report))
    assert done.returncode == 0
    assert done.stdout.startswith("NOT AUDITED: the vulnerability database could not be reached")


def test_a_connection_error_is_reported_as_not_audited_without_failing(tmp_path):
    error = "requests.exceptions.ConnectionError: HTTPSConnectionPool(...): Max retries exceeded (NameResolutionError)\n"
    done = run(tmp_path, stand_in(tmp_path, None, stderr=error, returncode=1))
    assert done.returncode == 0
    assert "NOT AUDITED" in done.stdout and "could not be reached" in done.stdout


def test_any_other_failure_of_pip_audit_fails(tmp_path):
    done = run(tmp_path, stand_in(tmp_path, None, stderr="ValueError: bad requirement\n", returncode=1))
    assert done.returncode == 2 and "pip-audit failed" in done.stdout


def test_the_audited_list_is_every_installed_package_pinned_without_the_project_itself(tmp_path):
    script = stand_in(tmp_path, {"dependencies": [], "fixes": []})
    run(tmp_path, script)
    args = json.loads((tmp_path / "args.json").read_text())
    assert "--no-deps" in args and "--disable-pip" in args
    spec = importlib.util.spec_from_file_location("audit_dependencies", TOOL)
    audit_dependencies = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit_dependencies)
    requirements = audit_dependencies.frozen_requirements(sys.executable)
    names = {line.split("==")[0].lower() for line in requirements}
    assert {"django", "asgiref", "sqlparse", "django-axes"} <= names  # transitive ones too
    assert all("==" in line for line in requirements) and "gongzhi" not in names
