import pytest

from bot.server.channels.conversation_ids import NAMESPACES, namespace_of, rest_conversation_id
from bot.sms.pseudonym import conversation_id as sms_conversation_id


@pytest.mark.parametrize(
    "conversation, channel",
    [("web-0123", "web"), ("sms-abcd", "sms"), ("SMS-abcd", "sms"), ("rest-1", "rest"), ("wa-1", "whatsapp"),
     ("tg-1", "telegram"), ("demo-1", None), ("screen-abc", None), ("website", None), ("smsx", None)],
)
def test_the_namespace_of_an_id(conversation, channel):
    assert namespace_of(conversation) == channel


def test_every_channel_has_its_own_prefix_and_sms_ids_are_in_the_sms_namespace():
    assert len(set(NAMESPACES.values())) == len(NAMESPACES)
    assert namespace_of(sms_conversation_id("key", "+37120000000")) == "sms"


@pytest.mark.parametrize(
    "sender, conversation",
    [("demo-1", "rest-demo-1"), ("screen-abc", "rest-screen-abc"), ("rest-x", "rest-x"), ("REST-x", "rest-x"),
     ("website", "rest-website")],
)
def test_rest_senders_live_under_rest(sender, conversation):
    assert rest_conversation_id(sender) == conversation


@pytest.mark.parametrize("sender", ["sms-0123abcd", "SMS-0123abcd", "web-0123", "Web-x", "wa-1", "tg-1"])
def test_rest_refuses_another_channels_namespace(sender):
    with pytest.raises(ValueError, match="may not start with"):
        rest_conversation_id(sender)
