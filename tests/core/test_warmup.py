"""A web worker loads its views, cache client, templates and the apps' ready-made objects
before its first request (gunicorn.conf.py)."""

from django.template import engines

from capabilities import units
from nmiq_portal.core.warmup import warm, warming


def test_warm_compiles_every_project_template_and_tells_the_apps():
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    loader.reset()
    units.registry.cache_clear()
    told = []

    def receiver(sender, **kwargs):
        told.append(sender)

    warming.connect(receiver)
    try:
        warm()
    finally:
        warming.disconnect(receiver)

    compiled = set(loader.get_template_cache)
    project = {
        str(path.relative_to(folder)) for folder in engine.dirs for path in folder.rglob("*.html")
    }
    assert project <= compiled
    assert "capabilities/directory.html" in compiled
    assert told == [None]
    assert units.registry.cache_info().currsize == 1
