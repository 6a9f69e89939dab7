using System.Globalization;
using Akka.Actor;
using Messaging.Actors;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Host.Directory;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Messaging.Host.Api;

/// <summary>A problem-details response, with <c>Retry-After</c> when the caller may retry (429, 503).</summary>
public sealed class ApiProblem(ProblemHttpResult problem, TimeSpan? retryAfter) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => problem.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (retryAfter is { } delay)
            httpContext.Response.Headers.RetryAfter = Problems.RetryAfterSeconds(delay);
        return problem.ExecuteAsync(httpContext);
    }
}

/// <summary>The one place where refusals become HTTP problem details.</summary>
public static class Problems
{
    public static string RetryAfterSeconds(TimeSpan delay) => Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public static ApiProblem From(Rejection rejection) => new(
        TypedResults.Problem(
            detail: rejection.Detail,
            statusCode: rejection.StatusCode()),
        rejection.RetryAfter);

    /// <summary>When a client may retry after an entity did not answer in time.</summary>
    public static readonly TimeSpan EntityRetryAfter = TimeSpan.FromSeconds(1);

    public static ApiProblem Status(int status, string detail, TimeSpan? retryAfter = null) =>
        new(TypedResults.Problem(detail: detail, statusCode: status), retryAfter);

    /// <summary>Writes a problem response outside an endpoint (authentication challenges, unhandled failures).</summary>
    public static async Task Write(HttpContext context, int status, string detail, TimeSpan? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } delay)
            context.Response.Headers.RetryAfter = RetryAfterSeconds(delay);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}

/// <summary>
/// Failures that are not bugs are answered for what they are: an entity that does not answer in time or a store that
/// cannot serve now is a 503 the client may retry; a request the client did not finish sending (Kestrel's 408, 400)
/// is the client's fault, logged without a stack trace. Anything else is a 500, logged as an error.
/// </summary>
public sealed class RequestFailureHandler(StoreMonitor store, ILogger<RequestFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        switch (exception)
        {
            case AskTimeoutException:
                logger.LogWarning("An entity did not answer {Request} in time", request);
                await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "the service is busy; retry shortly", Problems.EntityRetryAfter);
                break;
            case var failure when StoreMonitor.IsStoreFailure(failure):
                store.Failed(failure);
                logger.LogWarning("The store failed {Request}: {Problem}", request, failure.Message);
                await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, Rejection.StoreUnavailable.Detail, Rejection.StoreUnavailable.RetryAfter);
                break;
            case BadHttpRequestException badRequest:
                logger.LogInformation("Bad request {Request}: {Status} {Problem}", request, badRequest.StatusCode, badRequest.Message);
                await Problems.Write(context, badRequest.StatusCode, badRequest.Message);
                break;
            default:
                logger.LogError(exception, "Unhandled failure in {Request}", request);
                await Problems.Write(context, StatusCodes.Status500InternalServerError, "an unexpected error occurred");
                break;
        }
        return true;
    }
}

/// <summary>While the store does not answer, API requests are refused at once instead of waiting for entities that cannot persist.</summary>
public static class StoreAvailability
{
    public static TBuilder RefusedWhileTheStoreIsDown<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            if (services.GetRequiredService<StoreMonitor>().Problem is null)
                return await next(context);
            if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<SendEndpoint>() is not null)
                services.GetRequiredService<MessagingMetrics>().SendRefused(Door.Rest, Rejection.StoreUnavailable.Reason);
            return Problems.From(Rejection.StoreUnavailable);
        });
}

/// <summary>Marks the endpoint that sends messages: what is refused before its handler still counts among the refused sends.</summary>
public sealed class SendEndpoint
{
    public static readonly SendEndpoint Instance = new();

    private SendEndpoint() { }
}
