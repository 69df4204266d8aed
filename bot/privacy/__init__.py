"""Privacy of what people type: personal data replaced by placeholders before a
message is stored or logged (redaction.py), and the same for every log line (logs.py).

Pure: no Rasa, no I/O. bot/server/stores.py applies it to the tracker store and
installs the log redaction in the Rasa process.
"""
