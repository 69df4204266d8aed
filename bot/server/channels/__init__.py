"""Input channels named in credentials.yml: REST, the web chat's socket.io, SMS."""
