using System.Security.Claims;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Messaging.Host.Docs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Messaging.Host.Api;

public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/conversations").RequireAuthorization().RefusedWhileTheStoreIsDown()
            .WithTags("Conversations").ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/", List)
            .WithName("listConversations").WithSummary("The caller's conversations, the most recent first, with unread counts");
        api.MapGet("/{conversationId}", Get)
            .WithName("getConversation").WithSummary("One conversation as the caller sees it")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/{conversationId}/block", Block)
            .WithName("blockConversation").WithSummary("Blocks or unblocks a conversation; nobody can send while any block holds")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound)
            .ProducesProblems(JsonBody<BlockRequest>.Statuses);
        return endpoints;
    }

    private static async Task<Results<Ok<ConversationResponse[]>, ApiProblem>> List(ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        var outcome = await gateway.Conversations(CurrentUser.From(user), cancellationToken);
        return outcome.Rejection is { } rejection ? Problems.From(rejection) : TypedResults.Ok(outcome.Value.Select(ConversationResponse.From).ToArray());
    }

    private static async Task<Results<Ok<ConversationResponse>, ApiProblem>> Get(
        string conversationId, ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        var outcome = await gateway.Conversation(CurrentUser.From(user), conversationId, cancellationToken);
        return outcome.Rejection is { } rejection ? Problems.From(rejection) : TypedResults.Ok(ConversationResponse.From(outcome.Value!));
    }

    private static async Task<Results<Ok<BlockResponse>, ApiProblem>> Block(
        string conversationId, JsonBody<BlockRequest> body, ClaimsPrincipal user, ConversationGateway gateway, CancellationToken cancellationToken)
    {
        if (body.Problem is { } invalidBody)
            return invalidBody;
        var outcome = await gateway.SetBlocked(CurrentUser.From(user), conversationId, body.Value!, cancellationToken);
        return outcome.Rejection is { } rejection
            ? Problems.From(rejection)
            : TypedResults.Ok(new BlockResponse(outcome.Value!.ConversationId.Value, outcome.Value.Blocked, outcome.Value.BlockedBy.Value));
    }
}
