#!/usr/bin/env python3
"""One mechanical pass: every citation of a marketplace rules file by bare name (saas.md §4,
spec/vectors.md) becomes the project's own reference, docs/marketplace/<file>.md. Files inside
docs/marketplace/ keep their sibling citations (they are relative there). Prints the files changed."""
import re, subprocess

BARE = re.compile(r"(?<![/\w.-])(?:spec/)?(saas|license|api-image-openapi|vectors)\.md")
files = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
for path in files:
    if path.startswith("docs/marketplace/") or path.startswith("scripts/rewrite-citations"):
        continue
    if not re.search(r"\.(ts|md|json|yaml|sh|js)$", path) and path != ".ci/run":
        continue
    text = open(path, encoding="utf8").read()
    new = BARE.sub(lambda m: f"docs/marketplace/{m.group(1)}.md", text.replace("spec/vectors.md", "vectors.md"))
    if new != text:
        open(path, "w", encoding="utf8").write(new)
        print(path)
