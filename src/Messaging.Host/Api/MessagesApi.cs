using Messaging.Actors;
using Messaging.Actors.Conversations;
using System.Security.Claims;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Messaging.Host.Docs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Host.Api;

public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/messages").RequireAuthorization().RefusedWhileTheStoreIsDown()
            .WithTags("Messages").ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/", History)
            .WithName("getMessages").WithSummary("A conversation's history, oldest first: the newest `limit` (default 100) messages, or those before `before`")
            .WithDescription("Name the conversation by `conversationId`, or by `recipientId` (and `productId`, if any): a conversation that does not exist yet has no messages.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/", Send).WithMetadata(SendEndpoint.Instance)
            .WithName("sendMessage").WithSummary("Sends a message, creating the conversation on the first one")
            .WithDescription("Name the conversation by `conversationId`, or by `recipientId` (and `productId`). A retry with the same `clientMessageId` "
                + "(or `Idempotency-Key` header) is answered with the stored message and stores nothing.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .ProducesProblems(JsonBody<SendMessageRequest>.Statuses);
        api.MapPatch("/mark-read", MarkRead)
            .WithName("markMessagesRead").WithSummary("Marks messages addressed to the caller read; counts those that were unread")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden)
            .ProducesProblems(JsonBody<MarkReadRequest>.Statuses);
        return endpoints;
    }

    private static async Task<Results<Ok<MessageResponse[]>, ApiProblem>> History(
        string? conversationId, string? recipientId, string? productId, string? limit, string? before,
        ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        var outcome = await gateway.History(CurrentUser.From(user), conversationId, recipientId, productId, limit, before, cancellationToken);
        return outcome.Rejection is { } rejection ? Problems.From(rejection) : TypedResults.Ok(outcome.Value.Select(MessageResponse.From).ToArray());
    }

    /// <summary>The client's id of the send may come as <c>clientMessageId</c> in the body or as the <c>Idempotency-Key</c> header.</summary>
    private static async Task<Results<Created<MessageResponse>, ApiProblem>> Send(
        JsonBody<SendMessageRequest> body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, ConversationGateway gateway, MessagingMetrics metrics, CancellationToken cancellationToken)
    {
        if (body.Problem is { } invalidBody)
            return RefusedAsInvalid(invalidBody);
        var request = body.Value!;
        if (idempotencyKey is not null)
        {
            if (request.ClientMessageId is { } clientMessageId && clientMessageId != idempotencyKey)
                return RefusedAsInvalid(Problems.Status(StatusCodes.Status400BadRequest, "the Idempotency-Key header and clientMessageId differ"));
            request = request with { ClientMessageId = idempotencyKey };
        }
        var outcome = await gateway.Send(CurrentUser.From(user), request, Door.Rest, cancellationToken);
        if (outcome.Rejection is { } rejection)
            return Problems.From(rejection);
        var message = MessageResponse.From(outcome.Value!);
        return TypedResults.Created($"/api/messages?conversationId={message.ConversationId}", message);

        // Refused before the gateway sees it, and counted as the gateway counts its own refusals.
        ApiProblem RefusedAsInvalid(ApiProblem problem)
        {
            metrics.SendRefused(Door.Rest, RejectionReason.Invalid);
            return problem;
        }
    }

    private static async Task<Results<Ok<MarkReadResponse>, ApiProblem>> MarkRead(
        JsonBody<MarkReadRequest> body, ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        if (body.Problem is { } invalidBody)
            return invalidBody;
        var outcome = await gateway.MarkRead(CurrentUser.From(user), body.Value!, cancellationToken);
        return outcome.Rejection is { } rejection ? Problems.From(rejection) : TypedResults.Ok(new MarkReadResponse(outcome.Value));
    }
}
