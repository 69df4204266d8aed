"""Self-identification: indicator data and the Delphi scoring rule."""
