"""WhatsApp through Twilio: how a turn reads in WhatsApp (the channel is bot/server/channels/whatsapp.py)."""
