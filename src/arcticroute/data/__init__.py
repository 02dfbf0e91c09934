"""Bundled data: the Chukotka network and the vehicle catalogue, generated from ``seeds/``.

Regenerate after editing a seed table with ``python -m arcticroute.data.build``.
"""
