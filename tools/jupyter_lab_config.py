# Jupyter server settings of `make lab` (and of tests/test_lab_e2e.py): notebooks are saved
# without outputs, so autosaves never dirty the tracked notebooks (see tools/lab_hygiene.py).
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.lab_hygiene import strip_outputs  # noqa: E402

c = get_config()  # noqa: F821
c.FileContentsManager.pre_save_hook = strip_outputs
