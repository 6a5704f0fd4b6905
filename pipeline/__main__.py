from . import quickexit

quickexit.install()  # before any module registers an exit handler: it runs last

from .cli import main
from .jobs import settle_collector

settle_collector()  # the modules loaded are kept: the collector no longer walks them
quickexit.run(main)
