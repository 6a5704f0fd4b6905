from . import quickexit

quickexit.install()  # before any module registers an exit handler: it runs last

from .cli import main

quickexit.run(main)
