using System.Security.Claims;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Host.Api;

public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/messages").RequireAuthorization().RefusedWhileTheStoreIsDown();
        api.MapGet("/", History);
        api.MapPost("/", Send);
        api.MapPatch("/mark-read", MarkRead);
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
        ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        if (body.Problem is { } invalidBody)
            return invalidBody;
        var request = body.Value!;
        if (idempotencyKey is not null)
        {
            if (request.ClientMessageId is { } clientMessageId && clientMessageId != idempotencyKey)
                return Problems.Status(StatusCodes.Status400BadRequest, "the Idempotency-Key header and clientMessageId differ");
            request = request with { ClientMessageId = idempotencyKey };
        }
        var outcome = await gateway.Send(CurrentUser.From(user), request, Door.Rest, cancellationToken);
        if (outcome.Rejection is { } rejection)
            return Problems.From(rejection);
        var message = MessageResponse.From(outcome.Value!);
        return TypedResults.Created($"/api/messages?conversationId={message.ConversationId}", message);
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
