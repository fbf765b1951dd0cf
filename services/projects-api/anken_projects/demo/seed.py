"""Demo data, loaded once in demo mode."""

from __future__ import annotations

from anken_projects.settings import ProjectsSettings


async def seed_demo(settings: ProjectsSettings, *, force: bool = False) -> None:
    """Load the demo dataset unless it is already there (see demo/dataset.py)."""
    from anken_projects.demo.dataset import load_demo_dataset

    await load_demo_dataset(settings, force=force)
