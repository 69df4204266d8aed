"""Loaded by the Rasa server (`rasa run`) only: input channels, the NLU safety
net and the tracker and lock stores. The only package that imports `rasa`."""
