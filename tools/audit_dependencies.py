"""Audit the project's installed dependencies for known vulnerabilities (`make audit`, run by .ci/run).

    python tools/audit_dependencies.py [--pip-audit PATH] [--python PATH]

The audited set is what the project's virtualenv holds, every transitive dependency included, at
the exact versions the pins in pyproject.toml resolved to (``pip freeze --exclude-editable``):
what the tests ran against. pip-audit checks that list (``-r``, ``--no-deps``, so nothing is
resolved again) against PyPI's vulnerability data.

Exit status: 1 when a vulnerability is found (each is printed with its fix versions); 0 when none
is found; 0 as well, with a loud ``NOT AUDITED`` line, when the vulnerability data could not be
reached (no network): pip-audit then skips every package, and silence would read as "clean".
Any other failure of pip-audit itself is an error (2).
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK_WORDS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Temporary failure in name resolution",
                 "Network is unreachable", "timed out", "ReadTimeout", "ConnectTimeout", "SSLError", "ProxyError")


def frozen_requirements(python):
    done = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
                          capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line.strip() and not line.startswith("#")]


def audit(pip_audit, requirements, timeout=30):
    """(returncode, parsed JSON or None, stderr) of pip-audit over ``requirements``."""
    with tempfile.TemporaryDirectory() as folder:
        listing, report = Path(folder) / "requirements.txt", Path(folder) / "report.json"
        listing.write_text("\n".join(requirements) + "\n")
        done = subprocess.run([pip_audit, "-r", str(listing), "--no-deps", "--disable-pip", "--progress-spinner", "off",
                               "--timeout", str(timeout), "-f", "json", "-o", str(report)],
                              capture_output=True, text=True)
        parsed = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    return done.returncode, parsed, done.stderr


def verdict(returncode, parsed, stderr, requirement_count):
    """(exit status, lines to print) for one pip-audit run."""
    if parsed is None:
        if returncode != 0 and any(word in stderr for word in NETWORK_WORDS):
            return 0, ["NOT AUDITED: the vulnerability database could not be reached (no network?); "
                       f"{requirement_count} packages were not checked. This does not fail the build.",
                       stderr.strip().splitlines()[-1] if stderr.strip() else ""]
        return 2, ["pip-audit failed:", stderr.strip()[-2000:]]
    dependencies = parsed.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = f" ({', '.join(vuln['aliases'])})" if vuln.get("aliases") else ""
            lines.append(f"VULNERABLE: {dependency['name']} {dependency.get('version', '')}: {vuln['id']}{aliases}; fixed in {fixes}")
    if vulnerable:
        lines.append(f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities in {len(vulnerable)} packages "
                     f"({audited} of {len(dependencies)} packages audited).")
        return 1, lines
    if dependencies and audited == 0:
        return 0, [f"NOT AUDITED: the vulnerability database could not be reached; none of the {len(dependencies)} "
                   "packages was checked (pip-audit skipped them all). This does not fail the build.",
                   f"first reason given: {skipped[0]['skip_reason']}"]
    for dependency in skipped:
        lines.append(f"skipped: {dependency['name']}: {dependency['skip_reason']}")
    lines.append(f"No known vulnerabilities in {audited} audited packages ({len(skipped)} skipped).")
    return 0, lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pip-audit", default=str(ROOT / ".venv-audit" / "bin" / "pip-audit"))
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"), help="the project's virtualenv")
    args = parser.parse_args(argv)
    if not Path(args.pip_audit).exists():
        print(f"NOT AUDITED: pip-audit is not installed at {args.pip_audit} (could it not be downloaded?). "
              "This does not fail the build.")
        return 0
    requirements = frozen_requirements(args.python)
    status, lines = verdict(*audit(args.pip_audit, requirements), len(requirements))
    for line in lines:
        if line:
            print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
