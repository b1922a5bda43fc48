"""Application settings and declarative configuration (roles, regions, workflow)."""
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = CONFIG_DIR.parent
