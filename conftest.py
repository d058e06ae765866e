"""Session-wide test set-up: every kernel and process started by the tests (nbval, Voila) uses a throw-away
gradebook data directory, never the working tree's ``microloan-data/``."""
from __future__ import annotations

import os
import tempfile

os.environ["MICROLOAN_DATA_DIR"] = tempfile.mkdtemp(prefix="microloan-pytest-data-")
