namespace Messaging.Actors.Stomp;

/// <summary>Why a peer's bytes are not STOMP 1.2 this server accepts; each one ends the connection.</summary>
public enum StompErrorKind { FrameTooLarge, TooManyHeaders, UnknownCommand, MalformedHeader, InvalidContentLength, MissingNullTerminator, InvalidEncoding }

/// <summary>The only exception <see cref="StompDecoder"/> throws; <see cref="Kind"/> lets the session pick its ERROR frame.</summary>
public sealed class StompProtocolException(StompErrorKind kind, string message) : Exception(message)
{
    public StompErrorKind Kind { get; } = kind;
}
