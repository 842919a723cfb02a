"""The demo city of Nanyang: data (places, people), a deterministic school generator, and the builder.

Used by the ``seed_demo`` management command; benchmarks use city scale (~5,000 schools).
"""
