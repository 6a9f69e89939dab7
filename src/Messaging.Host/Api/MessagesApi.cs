using System.Security.Claims;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static async Task<Results<Created<MessageResponse>, ApiProblem>> Send(
        JsonBody<SendMessageRequest> body, ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        if (body.Problem is { } invalidBody)
            return invalidBody;
        var outcome = await gateway.Send(CurrentUser.From(user), body.Value!, cancellationToken);
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
