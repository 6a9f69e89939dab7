using System.Collections.Immutable;
using Messaging.Actors.Conversations;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>The rules of one conversation, without actors: <see cref="ConversationState"/> is pure.</summary>
public sealed class ConversationStateSpecs
{
    private readonly ConversationDriver _chat = ConversationDriver.CameraChat();

    private static Rejection Rejected(IMessagingReply reply, RejectionReason reason)
    {
        var rejection = Assert.IsType<Rejection>(reply);
        Assert.Equal(reason, rejection.Reason);
        return rejection;
    }

    // ---- identity: where a conversation may start ----

    [Fact]
    public void Conversation_id_is_the_same_whichever_participant_is_named_first()
    {
        Assert.Equal(ConversationIdentity.For(Camera, Buyer, Seller), ConversationIdentity.For(Camera, Seller, Buyer));
        Assert.Equal(ConversationIdentity.For(null, Buyer, Seller), ConversationIdentity.For(null, Seller, Buyer));
    }

    [Fact]
    public void Conversation_id_is_a_name_based_version_5_uuid()
    {
        var id = ConversationIdentity.For(Camera, Buyer, Seller).Value;
        Assert.Equal(5, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
    }

    [Fact]
    public void Conversation_id_is_stable_across_builds()
    {
        // Stored conversations are found by this id: the derivation must never change.
        Assert.Equal(Guid.Parse("8a5cae0d-132c-525d-9dbc-17440e4deac4"), ConversationIdentity.For(Camera, Buyer, Seller).Value);
    }

    [Fact]
    public void Another_product_between_the_same_people_is_another_conversation()
    {
        Assert.NotEqual(ConversationIdentity.For(Camera, Buyer, Seller), ConversationIdentity.For(Lens, Buyer, Seller));
        Assert.NotEqual(ConversationIdentity.For(Camera, Buyer, Seller), ConversationIdentity.For(null, Buyer, Seller));
    }

    [Fact]
    public void Another_buyer_of_the_same_product_is_another_conversation()
    {
        Assert.NotEqual(ConversationIdentity.For(Camera, Buyer, Seller), ConversationIdentity.For(Camera, OtherBuyer, Seller));
    }

    [Fact]
    public void First_message_at_the_derived_id_starts_the_conversation()
    {
        _chat.Now = T0;
        var reply = _chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera));

        var message = Assert.IsType<MessageAccepted>(reply).Message;
        Assert.Equal(2, _chat.LastEvents.Length);
        Assert.Equal(new ConversationStarted(CameraChat, Camera, Buyer, Seller, T0), _chat.LastEvents[0]);
        Assert.Equal(new MessageSent(CameraChat, message), _chat.LastEvents[1]);
        Assert.True(_chat.State.Started);
        Assert.Equal(Camera, _chat.State.ProductId);
        Assert.Equal(Buyer, _chat.State.ParticipantA);
        Assert.Equal(Seller, _chat.State.ParticipantB);
        Assert.Equal(T0, _chat.State.CreatedAt);
    }

    [Fact]
    public void Accepted_message_carries_sender_recipient_product_and_is_unread()
    {
        var message = Assert.IsType<MessageAccepted>(_chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera))).Message;

        Assert.Equal(
            new ChatMessage(MessageNo(1), CameraChat, Buyer, Seller, Camera, "Is this still available?", T0, Read: false, "Jane Smith", "jane@example.com"),
            message);
    }

    [Fact]
    public void Conversation_without_a_product_starts_at_its_own_derived_id()
    {
        var chat = new ConversationDriver(ConversationIdentity.For(null, Buyer, Seller));
        var message = Assert.IsType<MessageAccepted>(chat.Execute(Open(Buyer, Seller, "hello", product: null))).Message;

        Assert.Null(message.ProductId);
        Assert.Null(chat.State.ProductId);
    }

    [Fact]
    public void The_seller_may_open_the_conversation_as_well()
    {
        var message = Assert.IsType<MessageAccepted>(_chat.Execute(Open(Seller, Buyer, "Still interested?", Camera))).Message;

        Assert.Equal(Buyer, message.RecipientId);
        Assert.Equal(Buyer, _chat.State.ParticipantA);
        Assert.Equal(Seller, _chat.State.ParticipantB);
    }

    [Fact]
    public void Message_with_a_recipient_to_an_id_not_derived_from_them_is_not_found()
    {
        var madeUp = new ConversationDriver(new ConversationId(Guid.Parse("9d6c3a1e-0000-4000-8000-000000000001")));

        Rejected(madeUp.Execute(Send(Buyer, "hi", madeUp.State.Id, to: Seller, product: Camera)), RejectionReason.NotFound);
        Assert.Empty(madeUp.LastEvents);
        Assert.False(madeUp.State.Started);
    }

    [Fact]
    public void Message_naming_another_product_than_the_one_the_id_derives_from_is_not_found()
    {
        Rejected(_chat.Execute(Send(Buyer, "hi", CameraChat, to: Seller, product: Lens)), RejectionReason.NotFound);
        Assert.False(_chat.State.Started);
    }

    [Fact]
    public void Message_without_a_recipient_to_a_conversation_that_does_not_exist_is_not_found()
    {
        Rejected(_chat.Execute(Send(Buyer, "hi", CameraChat)), RejectionReason.NotFound);
        Assert.Empty(_chat.LastEvents);
    }

    // ---- text rules ----

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t\r\n ")]
    [InlineData("\u00A0\u2003")] // no-break space, em space
    public void Empty_or_white_space_text_is_invalid(string text)
    {
        var rejection = Rejected(_chat.Execute(Open(Buyer, Seller, text, Camera)), RejectionReason.Invalid);
        Assert.Equal("text must not be empty", rejection.Detail);
        Assert.Empty(_chat.LastEvents);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\u200B")] // zero-width space
    [InlineData("\uFEFF")] // byte order mark
    [InlineData("\u200B\u00AD \u0007\u2060")] // zero-width space, soft hyphen, space, bell, word joiner
    [InlineData("\U000E0041")] // a tag character: a format character outside the BMP
    public void Text_of_only_control_and_format_characters_is_empty(string text)
    {
        var rejection = Rejected(_chat.Execute(Open(Buyer, Seller, text, Camera)), RejectionReason.Invalid);
        Assert.Equal("text must not be empty", rejection.Detail);
        Assert.Empty(_chat.LastEvents);
    }

    [Fact]
    public void Text_with_one_visible_character_among_format_characters_is_accepted()
    {
        Assert.Equal("\u200Bx\uFEFF", _chat.Say(Buyer, "\u200Bx\uFEFF").Text);
    }

    [Fact]
    public void Missing_text_is_invalid()
    {
        Rejected(_chat.Execute(Open(Buyer, Seller, null!, Camera)), RejectionReason.Invalid);
    }

    [Fact]
    public void Text_of_exactly_10000_characters_is_accepted()
    {
        var text = new string('a', 10_000);
        Assert.Equal(text, _chat.Say(Buyer, text).Text);
    }

    [Fact]
    public void Text_of_10001_characters_is_invalid()
    {
        var rejection = Rejected(_chat.Execute(Open(Buyer, Seller, new string('a', 10_001), Camera)), RejectionReason.Invalid);
        Assert.Equal("text must be at most 10000 characters", rejection.Detail);
        Assert.Empty(_chat.LastEvents);
    }

    [Fact]
    public void Text_length_counts_unicode_scalar_values_not_utf16_units()
    {
        var emoji = "\U0001F4F7"; // camera emoji: one scalar value, two UTF-16 code units
        Assert.Equal(2, emoji.Length);

        var tenThousand = string.Concat(Enumerable.Repeat(emoji, 10_000));
        Assert.Null(ConversationState.ValidateText(tenThousand));
        Assert.Equal(tenThousand, _chat.Say(Buyer, tenThousand).Text);

        var tenThousandAndOne = string.Concat(Enumerable.Repeat(emoji, 10_001));
        Assert.Equal(RejectionReason.Invalid, ConversationState.ValidateText(tenThousandAndOne)?.Reason);
    }

    [Fact]
    public void Mixed_emoji_and_plain_text_over_the_limit_is_invalid()
    {
        var text = new string('a', 9_999) + "\U0001F600\U0001F600"; // 10,001 scalar values, 10,003 code units
        Assert.Equal(RejectionReason.Invalid, ConversationState.ValidateText(text)?.Reason);
    }

    [Theory]
    [InlineData("<b>x</b>")]
    [InlineData("<script>alert('hi')</script> & \"quotes\"")]
    [InlineData("  padded text with trailing spaces  ")]
    [InlineData("line one\nline two\r\n\ttabbed")]
    [InlineData("caf\u00E9 \u65E5\u672C \U0001F44D")]
    public void Text_is_stored_and_returned_verbatim(string text)
    {
        var sent = _chat.Say(Buyer, text);

        Assert.Equal(text, sent.Text);
        Assert.Equal(text, Assert.Single(_chat.HistoryOf(Seller)).Text);
        Assert.Equal(text, _chat.SummaryOf(Seller).LastMessage);
    }

    // ---- who may send ----

    [Fact]
    public void Sending_a_message_to_yourself_is_invalid()
    {
        var toSelf = new ConversationDriver(ConversationIdentity.For(Camera, Buyer, Buyer));
        var rejection = Rejected(toSelf.Execute(Open(Buyer, Buyer, "note to self", Camera)), RejectionReason.Invalid);

        Assert.Equal("cannot send a message to yourself", rejection.Detail);
        Assert.False(toSelf.State.Started);
    }

    [Fact]
    public void Naming_yourself_as_recipient_in_an_existing_conversation_is_invalid()
    {
        _chat.Say(Buyer, "hello");
        Rejected(_chat.Execute(Send(Seller, "hi", to: Seller)), RejectionReason.Invalid);
        Assert.Single(_chat.State.Messages);
    }

    [Fact]
    public void Stranger_can_not_send_into_a_conversation()
    {
        _chat.Say(Buyer, "hello");

        Rejected(_chat.Execute(Send(Stranger, "let me in")), RejectionReason.Forbidden);
        Rejected(_chat.Execute(Send(Stranger, "let me in", to: Seller, product: Camera)), RejectionReason.Forbidden);
        Assert.Single(_chat.State.Messages);
    }

    [Fact]
    public void Recipient_other_than_the_other_participant_is_invalid()
    {
        _chat.Say(Buyer, "hello");

        var rejection = Rejected(_chat.Execute(Send(Buyer, "hi", to: OtherBuyer)), RejectionReason.Invalid);
        Assert.Equal("recipientId is not the other participant of this conversation", rejection.Detail);
        Assert.Single(_chat.State.Messages);
    }

    [Fact]
    public void Product_other_than_the_conversations_product_is_invalid()
    {
        _chat.Say(Buyer, "hello");

        var rejection = Rejected(_chat.Execute(Send(Buyer, "hi", product: Lens)), RejectionReason.Invalid);
        Assert.Equal("productId is not the product of this conversation", rejection.Detail);
        Assert.Single(_chat.State.Messages);
    }

    [Fact]
    public void Matching_recipient_and_product_are_accepted_in_an_existing_conversation()
    {
        _chat.Say(Buyer, "hello");

        var reply = _chat.Execute(Send(Seller, "hi", to: Buyer, product: Camera));

        Assert.Equal(Buyer, Assert.IsType<MessageAccepted>(reply).Message.RecipientId);
        var sent = Assert.IsType<MessageSent>(Assert.Single(_chat.LastEvents)); // no second ConversationStarted
        Assert.Equal("hi", sent.Message.Text);
    }

    // ---- retries: the client's own id of a send ----

    [Fact]
    public void Retry_with_the_same_client_message_id_is_answered_with_the_stored_message_and_stores_nothing()
    {
        var first = Assert.IsType<MessageAccepted>(_chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "web-1" })).Message;

        var retry = _chat.Execute(Send(Buyer, "Is this still available?") with { ClientMessageId = "web-1" });

        Assert.Equal(first, Assert.IsType<MessageAccepted>(retry).Message);
        Assert.Empty(_chat.LastEvents);
        Assert.Equal([first], _chat.State.Messages);
        Assert.Equal("web-1", first.ClientMessageId);
    }

    [Fact]
    public void Another_client_message_id_is_another_message()
    {
        _chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "web-1" });

        var second = Assert.IsType<MessageAccepted>(_chat.Execute(Send(Buyer, "And the lens?") with { ClientMessageId = "web-2" })).Message;

        Assert.Equal(2, _chat.State.Messages.Count);
        Assert.Equal(new MessageSent(CameraChat, second), Assert.Single(_chat.LastEvents));
    }

    [Fact]
    public void The_same_client_message_id_from_the_other_participant_is_their_own_message()
    {
        _chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "1" });

        var answer = Assert.IsType<MessageAccepted>(_chat.Execute(Send(Seller, "Yes") with { ClientMessageId = "1" })).Message;

        Assert.Equal(Seller, answer.SenderId);
        Assert.Equal(2, _chat.State.Messages.Count);
    }

    [Fact]
    public void Retry_after_the_conversation_was_blocked_still_gets_the_stored_message()
    {
        var first = Assert.IsType<MessageAccepted>(_chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "web-1" })).Message;
        _chat.Execute(new SetBlocked(CameraChat, Seller, true));

        Assert.Equal(first, Assert.IsType<MessageAccepted>(_chat.Execute(Send(Buyer, "Is this still available?") with { ClientMessageId = "web-1" })).Message);
    }

    [Fact]
    public void Client_message_ids_are_remembered_through_a_snapshot()
    {
        var first = Assert.IsType<MessageAccepted>(_chat.Execute(Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "web-1" })).Message;

        var restored = ConversationState.FromSnapshot(_chat.State.ToSnapshot());
        var decision = restored.Process(Send(Buyer, "Is this still available?") with { ClientMessageId = "web-1" }, T0.AddMinutes(1), MessageNo(99));

        Assert.Equal(first, Assert.IsType<MessageAccepted>(decision.Reply).Message);
        Assert.Empty(decision.Events);
    }

    // ---- blocking ----

    [Fact]
    public void Blocked_conversation_refuses_messages_from_both_participants()
    {
        _chat.Say(Buyer, "hello");
        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true));

        var fromBuyer = Rejected(_chat.Execute(Send(Buyer, "are you there?")), RejectionReason.Forbidden);
        var fromSeller = Rejected(_chat.Execute(Send(Seller, "one more thing")), RejectionReason.Forbidden);

        Assert.Equal("conversation is blocked", fromBuyer.Detail);
        Assert.Equal("conversation is blocked", fromSeller.Detail);
        Assert.Single(_chat.State.Messages);
    }

    [Fact]
    public void Messages_flow_again_only_once_every_block_is_lifted()
    {
        _chat.Say(Buyer, "hello");
        _chat.Execute(new SetBlocked(CameraChat, Buyer, Block: true));
        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true));

        _chat.Execute(new SetBlocked(CameraChat, Buyer, Block: false));
        Rejected(_chat.Execute(Send(Buyer, "still blocked?")), RejectionReason.Forbidden);

        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: false));
        Assert.Equal("free again", _chat.Say(Buyer, "free again").Text);
    }

    [Fact]
    public void Block_is_recorded_once_and_blocking_again_changes_nothing()
    {
        _chat.Say(Buyer, "hello");
        _chat.Now = T0.AddMinutes(1);

        var first = _chat.Execute(new SetBlocked(CameraChat, Buyer, Block: true));
        Assert.Equal(new BlockChanged(CameraChat, true, Buyer), first);
        Assert.Equal(new ConversationBlocked(CameraChat, Buyer, T0.AddMinutes(1)), Assert.Single(_chat.LastEvents));

        _chat.Now = T0.AddMinutes(2);
        var second = _chat.Execute(new SetBlocked(CameraChat, Buyer, Block: true));
        Assert.Equal(new BlockChanged(CameraChat, true, Buyer), second);
        Assert.Empty(_chat.LastEvents);
        Assert.Equal(T0.AddMinutes(1), _chat.State.Blocks[Buyer]);
    }

    [Fact]
    public void Block_reply_names_the_caller_as_blockedBy()
    {
        _chat.Say(Buyer, "hello");

        Assert.Equal(new BlockChanged(CameraChat, true, Seller), _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true)));
        Assert.Equal(new BlockChanged(CameraChat, false, Seller), _chat.Execute(new SetBlocked(CameraChat, Seller, Block: false)));
    }

    [Fact]
    public void Unblocking_by_the_participant_who_did_not_block_leaves_the_other_block_in_place()
    {
        _chat.Say(Buyer, "hello");
        _chat.Execute(new SetBlocked(CameraChat, Buyer, Block: true));

        var reply = _chat.Execute(new SetBlocked(CameraChat, Seller, Block: false));

        Assert.Equal(new BlockChanged(CameraChat, false, Seller), reply);
        Assert.Empty(_chat.LastEvents);
        Expect.Sequence([Buyer], _chat.State.Blocks.Keys);
        Rejected(_chat.Execute(Send(Seller, "please unblock me")), RejectionReason.Forbidden);
    }

    [Fact]
    public void Unblocking_records_an_unblock_event_for_the_caller()
    {
        _chat.Say(Buyer, "hello");
        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true));
        _chat.Now = T0.AddHours(1);

        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: false));

        Assert.Equal(new ConversationUnblocked(CameraChat, Seller, T0.AddHours(1)), Assert.Single(_chat.LastEvents));
        Assert.Empty(_chat.State.Blocks);
    }

    [Fact]
    public void Stranger_can_not_block_a_conversation()
    {
        _chat.Say(Buyer, "hello");

        Rejected(_chat.Execute(new SetBlocked(CameraChat, Stranger, Block: true)), RejectionReason.Forbidden);
        Assert.Empty(_chat.State.Blocks);
    }

    [Fact]
    public void Blocking_a_conversation_that_does_not_exist_is_not_found()
    {
        Rejected(_chat.Execute(new SetBlocked(CameraChat, Buyer, Block: true)), RejectionReason.NotFound);
        Assert.Empty(_chat.LastEvents);
    }

    // ---- marking read ----

    [Fact]
    public void Mark_read_counts_only_unread_messages_addressed_to_the_reader()
    {
        var first = _chat.Say(Buyer, "one");
        var second = _chat.Say(Buyer, "two");
        var reply = _chat.Say(Seller, "answer");
        var third = _chat.Say(Buyer, "three");

        var result = _chat.Execute(MarkRead(Seller, first.Id, second.Id, reply.Id, MessageNo(999)));

        var marked = Assert.IsType<MessagesMarkedRead>(result);
        Expect.Sequence([first.Id, second.Id], marked.MessageIds);
        Assert.Equal(new MessagesRead(CameraChat, Seller, [first.Id, second.Id], T0), Assert.Single(_chat.LastEvents), EventComparer.Instance);
        Assert.Equal(1, _chat.SummaryOf(Seller).UnreadCount); // "three" is still unread
        Expect.Sequence([third.Id], _chat.State.UnreadFor(Seller));
        Assert.Equal(1, _chat.SummaryOf(Buyer).UnreadCount); // the seller's answer is unread by the buyer, untouched
    }

    [Fact]
    public void Marked_messages_show_as_read_in_the_history_of_both_participants()
    {
        var question = _chat.Say(Buyer, "question");
        _chat.Say(Buyer, "another question");

        _chat.Execute(MarkRead(Seller, question.Id));

        Expect.Sequence([true, false], _chat.HistoryOf(Seller).Select(message => message.Read));
        Expect.Sequence([true, false], _chat.HistoryOf(Buyer).Select(message => message.Read));
    }

    [Fact]
    public void Marking_the_same_messages_read_again_counts_zero_and_records_nothing()
    {
        var question = _chat.Say(Buyer, "question");
        _chat.Execute(MarkRead(Seller, question.Id));

        var again = Assert.IsType<MessagesMarkedRead>(_chat.Execute(MarkRead(Seller, question.Id, question.Id)));

        Assert.Empty(again.MessageIds);
        Assert.Empty(_chat.LastEvents);
    }

    [Fact]
    public void Duplicate_ids_in_one_request_count_once()
    {
        var question = _chat.Say(Buyer, "question");

        var marked = Assert.IsType<MessagesMarkedRead>(_chat.Execute(MarkRead(Seller, question.Id, question.Id, question.Id)));

        Expect.Sequence([question.Id], marked.MessageIds);
    }

    [Fact]
    public void Sender_can_not_mark_their_own_message_read()
    {
        var question = _chat.Say(Buyer, "question");

        var marked = Assert.IsType<MessagesMarkedRead>(_chat.Execute(MarkRead(Buyer, question.Id)));

        Assert.Empty(marked.MessageIds);
        Assert.False(Assert.Single(_chat.HistoryOf(Seller)).Read);
    }

    [Fact]
    public void Stranger_can_not_mark_messages_read()
    {
        var question = _chat.Say(Buyer, "question");

        Rejected(_chat.Execute(MarkRead(Stranger, question.Id)), RejectionReason.Forbidden);
        Assert.Equal(1, _chat.SummaryOf(Seller).UnreadCount);
    }

    [Fact]
    public void Marking_read_in_a_conversation_that_does_not_exist_is_forbidden_not_revealed()
    {
        Rejected(_chat.Execute(MarkRead(Buyer, MessageNo(1))), RejectionReason.Forbidden);
    }

    // ---- summaries ----

    [Fact]
    public void Each_participant_sees_the_other_as_participant_with_their_own_unread_count()
    {
        _chat.Say(Buyer, "one");
        _chat.Say(Buyer, "two");
        _chat.Now = T0.AddMinutes(5);
        var last = _chat.Say(Seller, "yes, still available");

        Assert.Equal(
            new ConversationSummary(CameraChat, Camera, Seller, "yes, still available", last.CreatedAt, UnreadCount: 1, IsBlocked: false, BlockedByMe: false),
            _chat.SummaryOf(Buyer));
        Assert.Equal(
            new ConversationSummary(CameraChat, Camera, Buyer, "yes, still available", T0.AddMinutes(5), UnreadCount: 2, IsBlocked: false, BlockedByMe: false),
            _chat.SummaryOf(Seller));
    }

    [Fact]
    public void Summary_shows_the_block_as_blocked_for_both_and_blocked_by_me_only_to_the_blocker()
    {
        _chat.Say(Buyer, "hello");
        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true));

        var buyerView = _chat.SummaryOf(Buyer);
        var sellerView = _chat.SummaryOf(Seller);

        Assert.True(buyerView.IsBlocked);
        Assert.False(buyerView.BlockedByMe);
        Assert.True(sellerView.IsBlocked);
        Assert.True(sellerView.BlockedByMe);
    }

    [Fact]
    public void Summary_is_hidden_from_strangers_and_absent_for_a_conversation_that_does_not_exist()
    {
        Rejected(_chat.State.Answer(new GetSummary(CameraChat, Buyer)), RejectionReason.NotFound);

        _chat.Say(Buyer, "hello");
        Rejected(_chat.State.Answer(new GetSummary(CameraChat, Stranger)), RejectionReason.Forbidden);
    }

    // ---- time ----

    [Fact]
    public void CreatedAt_strictly_increases_when_the_clock_stands_still()
    {
        _chat.Now = T0;
        var times = Enumerable.Range(1, 5).Select(n => _chat.Say(n % 2 == 0 ? Seller : Buyer, $"message {n}").CreatedAt).ToList();

        Assert.Equal(Enumerable.Range(0, 5).Select(n => T0.AddMilliseconds(n)), times);
    }

    [Fact]
    public void CreatedAt_strictly_increases_when_the_clock_goes_backwards()
    {
        _chat.Now = T0;
        var first = _chat.Say(Buyer, "first");
        _chat.Now = T0.AddSeconds(-30);
        var second = _chat.Say(Seller, "second");
        _chat.Now = T0.AddSeconds(10);
        var third = _chat.Say(Buyer, "third");

        Assert.Equal(T0, first.CreatedAt);
        Assert.Equal(T0.AddMilliseconds(1), second.CreatedAt);
        Assert.Equal(T0.AddSeconds(10), third.CreatedAt);
    }

    [Fact]
    public void CreatedAt_is_kept_to_the_millisecond_and_in_utc()
    {
        _chat.Now = new DateTimeOffset(2025, 11, 10, 16, 30, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);

        var message = _chat.Say(Buyer, "hello");

        Assert.Equal(new DateTimeOffset(2025, 11, 10, 14, 30, 0, 123, TimeSpan.Zero), message.CreatedAt);
        Assert.Equal(TimeSpan.Zero, message.CreatedAt.Offset);
    }

    [Fact]
    public void Messages_within_the_same_millisecond_get_distinct_increasing_times()
    {
        _chat.Now = T0.AddTicks(100);
        var first = _chat.Say(Buyer, "first");
        _chat.Now = T0.AddTicks(9_000); // still within the same millisecond
        var second = _chat.Say(Buyer, "second");

        Assert.Equal(T0, first.CreatedAt);
        Assert.Equal(T0.AddMilliseconds(1), second.CreatedAt);
    }

    // ---- history ----

    private List<ChatMessage> SayMany(int count)
    {
        var sent = new List<ChatMessage>();
        for (var n = 1; n <= count; n++)
        {
            _chat.Now = T0.AddSeconds(n);
            sent.Add(_chat.Say(n % 3 == 0 ? Seller : Buyer, $"message {n}"));
        }
        return sent;
    }

    [Fact]
    public void History_returns_the_newest_100_by_default_oldest_first()
    {
        var sent = SayMany(120);
        var defaultLimit = new MessagingSettings().HistoryPageSize;

        var page = _chat.HistoryOf(Buyer, defaultLimit);

        Assert.Equal(100, defaultLimit);
        Assert.Equal(sent.Skip(20).Select(message => message.Text), page.Select(message => message.Text));
        Assert.Equal("message 21", page[0].Text);
        Assert.Equal("message 120", page[^1].Text);
    }

    [Fact]
    public void History_limit_returns_only_the_newest_messages()
    {
        var sent = SayMany(10);

        Assert.Equal(sent.Skip(7), _chat.HistoryOf(Seller, limit: 3));
    }

    [Fact]
    public void History_before_a_message_returns_the_page_just_older_than_it()
    {
        var sent = SayMany(10);

        Assert.Equal(sent.Skip(2).Take(3), _chat.HistoryOf(Buyer, limit: 3, before: sent[5].Id));
        Assert.Equal(sent.Take(2), _chat.HistoryOf(Buyer, limit: 3, before: sent[2].Id));
        Assert.Empty(_chat.HistoryOf(Buyer, limit: 3, before: sent[0].Id));
    }

    [Fact]
    public void Paging_backwards_with_before_walks_the_whole_history_exactly_once()
    {
        var sent = SayMany(25);

        var collected = new List<ChatMessage>();
        var page = _chat.HistoryOf(Seller, limit: 10);
        while (!page.IsEmpty)
        {
            collected.InsertRange(0, page);
            page = _chat.HistoryOf(Seller, limit: 10, before: page[0].Id);
        }

        Assert.Equal(sent, collected);
    }

    [Fact]
    public void History_is_ordered_by_strictly_increasing_createdAt()
    {
        _chat.Now = T0;
        for (var n = 0; n < 20; n++)
        {
            _chat.Now = n % 4 == 0 ? _chat.Now.AddSeconds(-1) : _chat.Now; // a clock that stalls and jumps back
            _chat.Say(n % 2 == 0 ? Buyer : Seller, $"m{n}");
        }

        var times = _chat.HistoryOf(Buyer).Select(message => message.CreatedAt).ToList();
        Assert.Equal(20, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"{pair.First:O} !< {pair.Second:O}"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void History_limit_below_one_is_invalid(int limit)
    {
        SayMany(3);

        var rejection = Rejected(_chat.State.Answer(new GetMessages(_chat.State.Id, Buyer, limit, null)), RejectionReason.Invalid);
        Assert.Equal("limit must be at least 1", rejection.Detail);
    }

    [Fact]
    public void History_before_an_unknown_message_is_invalid()
    {
        SayMany(3);

        var rejection = Rejected(_chat.State.Answer(History(Buyer, before: MessageNo(999))), RejectionReason.Invalid);
        Assert.Equal("before is not a message of this conversation", rejection.Detail);
    }

    [Fact]
    public void History_is_hidden_from_strangers_and_absent_for_a_conversation_that_does_not_exist()
    {
        Rejected(_chat.State.Answer(History(Buyer)), RejectionReason.NotFound);

        SayMany(2);
        Rejected(_chat.State.Answer(History(Stranger)), RejectionReason.Forbidden);
    }

    // ---- locating messages (for mark-read fan-out) ----

    [Fact]
    public void Locate_names_only_ids_of_this_conversation_for_a_participant_and_nothing_for_a_stranger()
    {
        var mine = _chat.Say(Buyer, "hello");
        var theirs = _chat.Say(Seller, "hi");
        ImmutableArray<MessageId> asked = [mine.Id, MessageNo(999), theirs.Id, theirs.Id];

        var forBuyer = Assert.IsType<MessagesLocated>(_chat.State.Answer(new LocateMessages(CameraChat, Buyer, asked)));
        var forStranger = Assert.IsType<MessagesLocated>(_chat.State.Answer(new LocateMessages(CameraChat, Stranger, asked)));

        Expect.Sequence([mine.Id, theirs.Id], forBuyer.MessageIds);
        Assert.Empty(forStranger.MessageIds);
    }

    // ---- snapshots ----

    [Fact]
    public void State_restored_from_its_snapshot_answers_exactly_as_before()
    {
        var sent = SayMany(12);
        _chat.Execute(MarkRead(Seller, sent[0].Id, sent[1].Id, sent[3].Id));
        _chat.Execute(MarkRead(Buyer, sent[2].Id));
        _chat.Execute(new SetBlocked(CameraChat, Seller, Block: true));

        var restored = ConversationState.FromSnapshot(_chat.State.ToSnapshot());

        foreach (var viewer in new[] { Buyer, Seller })
        {
            Assert.Equal(_chat.SummaryOf(viewer), restored.Answer(new GetSummary(CameraChat, viewer)));
            Expect.Sequence(_chat.HistoryOf(viewer), Assert.IsType<MessagePage>(restored.Answer(History(viewer))).Messages);
            Expect.Sequence(_chat.HistoryOf(viewer, 4, sent[8].Id), Assert.IsType<MessagePage>(restored.Answer(History(viewer, 4, sent[8].Id))).Messages);
            Assert.Equal(_chat.State.UnreadFor(viewer), restored.UnreadFor(viewer));
        }
        Assert.Equal(_chat.State.Blocks, restored.Blocks);
        Assert.Equal(_chat.State.CreatedAt, restored.CreatedAt);
        Assert.Equal((_chat.State.ParticipantA, _chat.State.ParticipantB, _chat.State.ProductId), (restored.ParticipantA, restored.ParticipantB, restored.ProductId));
        Assert.Equal(RejectionReason.Forbidden, Assert.IsType<Rejection>(restored.Answer(History(Stranger))).Reason);
    }

    [Fact]
    public void State_restored_from_its_snapshot_decides_the_next_commands_as_before()
    {
        var sent = SayMany(6);
        _chat.Execute(MarkRead(Seller, sent[0].Id));
        var restored = ConversationState.FromSnapshot(_chat.State.ToSnapshot());
        var everything = sent.Select(message => message.Id).ToArray();
        var now = T0.AddSeconds(1); // earlier than the last message: must still move forward

        var originalRead = _chat.State.Process(MarkRead(Seller, everything), now, MessageNo(100));
        var restoredRead = restored.Process(MarkRead(Seller, everything), now, MessageNo(100));
        var originalSend = _chat.State.Process(Send(Buyer, "next"), now, MessageNo(101));
        var restoredSend = restored.Process(Send(Buyer, "next"), now, MessageNo(101));

        Expect.Sequence(((MessagesMarkedRead)originalRead.Reply).MessageIds, ((MessagesMarkedRead)restoredRead.Reply).MessageIds);
        Assert.Equal(3, ((MessagesMarkedRead)restoredRead.Reply).MessageIds.Length); // messages 2, 4, 5 were the seller's unread
        Assert.Equal(originalSend.Reply, restoredSend.Reply);
        Assert.Equal(sent[^1].CreatedAt.AddMilliseconds(1), ((MessageAccepted)restoredSend.Reply).Message.CreatedAt);
    }

    [Fact]
    public void Snapshot_of_a_conversation_that_never_started_restores_an_empty_conversation()
    {
        var restored = ConversationState.FromSnapshot(ConversationState.Empty(CameraChat).ToSnapshot());

        Assert.False(restored.Started);
        Assert.Equal(CameraChat, restored.Id);
        Assert.Equal(RejectionReason.NotFound, Assert.IsType<Rejection>(restored.Answer(History(Buyer))).Reason);
    }
}

/// <summary>Events hold immutable arrays, which compare by reference; this compares them by content (as JSON).</summary>
public sealed class EventComparer : IEqualityComparer<IConversationEvent>
{
    public static readonly EventComparer Instance = new();

    public bool Equals(IConversationEvent? x, IConversationEvent? y) =>
        x?.GetType() == y?.GetType() && Json.Of(x) == Json.Of(y);

    public int GetHashCode(IConversationEvent obj) => Json.Of(obj).GetHashCode();
}

public static class Json
{
    public static string Of(object? value) => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value, value.GetType());
}
