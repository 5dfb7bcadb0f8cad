#!/usr/bin/env python3
"""Spectral and statuslint side by side on the same OpenAPI specs.

Runs Spectral's recommended ruleset (`spectral:oas`) and statuslint on each spec given,
keeps the findings about response status codes, and prints one Markdown table row per
spec. Not part of the test suite: it needs npm, and installs @stoplight/spectral-cli into
a cache folder (STATUSLINT_COMPARE_CACHE, default ~/.cache/statuslint-compare) on first
use.

    scripts/compare-spectral.py [--statuslint PATH] [--details] SPEC...

A Spectral finding counts as a status-code finding when it is about a response key (its
path ends in `responses/<key>`), about a `responses` object as a whole, or is the rule
`operation-success-response`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

SPECTRAL_VERSION = "6.16.3"
ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "statuslint-compare"
    return Path(os.environ.get("STATUSLINT_COMPARE_CACHE", default))


def spectral() -> Path:
    """The spectral binary, installed with npm into the cache on first use."""
    prefix = cache_dir() / f"spectral-{SPECTRAL_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "spectral"
    if not binary.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
             "--loglevel=error", f"@stoplight/spectral-cli@{SPECTRAL_VERSION}"],
            check=True,
        )
    return binary


def ruleset() -> Path:
    path = cache_dir() / "spectral-oas.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('extends: ["spectral:oas"]\n')
    return path


def is_status_finding(finding: dict) -> bool:
    path = [str(p) for p in finding.get("path", [])]
    if finding.get("code") == "operation-success-response":
        return True
    if path and path[-1] == "responses":
        return True
    return len(path) >= 2 and path[-2] == "responses"


def run_spectral(binary: Path, rules: Path, spec: Path) -> list:
    out = subprocess.run(
        [str(binary), "lint", "--quiet", "--format", "json", "--ruleset", str(rules), str(spec)],
        capture_output=True, text=True,
    )
    try:
        findings = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        sys.exit(f"spectral failed on {spec}:\n{out.stderr or out.stdout}")
    return [
        (f["code"], f["range"]["start"]["line"] + 1, str(Path(f.get("source") or spec).resolve()))
        for f in findings if is_status_finding(f)
    ]


def run_statuslint(binary: str, spec: Path) -> list:
    out = subprocess.run(
        [binary, "--output-format", "json", "--fail-on", "never", str(spec)],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"statuslint failed on {spec}:\n{out.stderr}")
    return [
        (d["rule"], d["location"]["line"], str(Path(d["file"]).resolve()))
        for d in json.loads(out.stdout)
    ]


def summary(findings: list) -> str:
    if not findings:
        return "none"
    counts = Counter(rule for rule, _, _ in findings)
    return ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+", type=Path)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    parser.add_argument("--statuslint", default=str(target / "release" / "statuslint"))
    parser.add_argument("--details", action="store_true", help="list every finding by line")
    args = parser.parse_args()
    if not shutil.which(args.statuslint) and not Path(args.statuslint).exists():
        sys.exit(f"no statuslint at {args.statuslint}: build it or pass --statuslint")
    binary, rules = spectral(), ruleset()

    print("| spec | Spectral (`spectral:oas`), status-code findings | statuslint | same line |")
    print("|---|---|---|---|")
    details = []
    for spec in args.specs:
        theirs = run_spectral(binary, rules, spec)
        ours = run_statuslint(args.statuslint, spec)
        shared = {(f, line) for _, line, f in theirs} & {(f, line) for _, line, f in ours}
        print(f"| {spec} | {summary(theirs)} | {summary(ours)} | {len(shared)} |")
        for tool, findings in (("Spectral", theirs), ("statuslint", ours)):
            for rule, line, file in sorted(findings, key=lambda f: (f[2], f[1])):
                details.append(f"{os.path.relpath(file)}:{line}: {tool} {rule}")
    if args.details:
        print()
        print("\n".join(details))


if __name__ == "__main__":
    main()
