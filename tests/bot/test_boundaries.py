"""Process boundaries: the action server runs on rasa-sdk alone (its image has no
`rasa`, Dockerfile.actions), so no module it loads may import `rasa`."""

import subprocess
import sys

from bot.paths import REPO_DIR

# Imports every module of bot.actions (what rasa-sdk loads, and the server's app)
# in a fresh interpreter where importing `rasa` fails.
IMPORT_ACTIONS_WITHOUT_RASA = """
import importlib, importlib.abc, pkgutil, sys

class NoRasa(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "rasa" or name.startswith("rasa."):
            raise ImportError(f"the action server imported {name}")
        return None

sys.meta_path.insert(0, NoRasa())
import bot.actions
names = [m.name for m in pkgutil.iter_modules(bot.actions.__path__, "bot.actions.")]
for name in names:
    importlib.import_module(name)
assert not any(m == "rasa" or m.startswith("rasa.") for m in sys.modules)
print(len(names), "modules")
"""


def test_every_action_module_imports_without_rasa():
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_ACTIONS_WITHOUT_RASA], cwd=REPO_DIR, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    # the positive control: the modules were found and imported
    assert int(run.stdout.split()[0]) >= 10, run.stdout


def test_the_blocker_really_blocks_rasa():
    """Without this, a broken blocker would let the test above pass on anything."""
    probe = IMPORT_ACTIONS_WITHOUT_RASA.replace("import bot.actions\n", "import rasa.core.channels\n", 1)
    run = subprocess.run([sys.executable, "-c", probe], cwd=REPO_DIR, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "the action server imported rasa" in run.stderr
