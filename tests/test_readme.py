"""README.md: the Quick start is two commands in one ``sh`` block and CI runs the second; every
``python`` block runs, in order, in one fresh interpreter, and prints what its ``#>`` lines
say; the files it points to exist."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

RUN_BLOCKS = """\
import contextlib, io, json, sys
outputs, namespace = [], {"__name__": "__readme__"}
for i, code in enumerate(json.load(open(sys.argv[1]))):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code, f"README.md python block {i + 1}", "exec"), namespace)
    outputs.append(buffer.getvalue())
print(json.dumps(outputs))
"""


def fenced(language):
    return re.findall(rf"^```{language}\n(.*?)^```$", README, re.M | re.S)


def section(title):
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert m, title
    return m[1]


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"^```sh\n(.*?)^```$", section("Quick start"), re.M | re.S)
    assert len(blocks) == 1
    commands = blocks[0].strip().splitlines()
    assert commands == ["pip install -v '.[demo]' && python -m deepblocks demo",
                        "pip install -e '.[test]' && cargo test && python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "pip install -e '.[test]'" in ci and "cargo test && python -m pytest" in ci


def test_python_blocks_run_and_print_what_they_show(tmp_path):
    blocks = fenced("python")
    assert len(blocks) >= 12  # the opening example and one per topic of the tour
    (tmp_path / "blocks.json").write_text(json.dumps(blocks))
    proc = subprocess.run([sys.executable, "-c", RUN_BLOCKS, "blocks.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    outputs = json.loads(proc.stdout.strip().splitlines()[-1])
    for code, out in zip(blocks, outputs):
        shown = [line[3:] if line.startswith("#> ") else "" for line in code.splitlines()
                 if line == "#>" or line.startswith("#> ")]
        if shown:
            assert [line.rstrip() for line in out.splitlines()] == shown, code


def test_the_tour_covers_the_seed_topics():
    tour = section("A tour")
    topics = re.findall(r"^### (.+)$", tour, re.M)
    assert topics == ["Blocks and Sequential", "Custom Blocks", "Parameter access", "Initialization",
                      "Deferred initialization", "Sharing parameters", "Custom layers",
                      "Saving and loading", "GPUs", "Training"]
    assert "<!-- CUDA status: updated by the CUDA issue -->" in tour


def test_paths_named_in_the_readme_exist():
    paths = set(re.findall(r"`((?:examples|benches|python/deepblocks|tests)/[\w/.]+\.(?:py|md))`", README))
    paths |= set(re.findall(r"\]\(((?:benches|examples)/[\w/.]+)\)", README))
    assert "examples/gpu.py" in paths and "benches/README.md" in paths
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, missing
