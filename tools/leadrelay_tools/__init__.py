"""leadrelay's tools that never run in AWS: the ``leadrelay`` CLI, the local org, replay and the demo.

``sam build`` ships ``functions/`` only; this package is installed with the project (``pip install -e .``)
for admins, operators and tests. It may import ``leadrelay``; ``leadrelay`` never imports it.
"""
