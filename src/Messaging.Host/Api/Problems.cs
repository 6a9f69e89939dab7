using System.Globalization;
using Akka.Actor;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
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
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }
}

/// <summary>The one place where refusals become HTTP problem details.</summary>
public static class Problems
{
    public static ApiProblem From(Rejection rejection) => new(
        TypedResults.Problem(
            detail: rejection.Detail,
            statusCode: rejection.StatusCode()),
        rejection.RetryAfter);

    public static ApiProblem Status(int status, string detail) => new(TypedResults.Problem(detail: detail, statusCode: status), null);

    /// <summary>Writes a problem response outside an endpoint (authentication challenges, unhandled failures).</summary>
    public static async Task Write(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}

/// <summary>
/// An entity that does not answer in time (overload, a node going away) is a 503 the client may retry,
/// not a 500. Anything else unexpected is still answered as problem details.
/// </summary>
public sealed class EntityUnavailableHandler(ILogger<EntityUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is AskTimeoutException)
        {
            logger.LogWarning("An entity did not answer {Method} {Path} in time", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
            await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "the service is busy; retry shortly");
            return true;
        }
        logger.LogError(exception, "Unhandled failure in {Method} {Path}", context.Request.Method, context.Request.Path);
        await Problems.Write(context, StatusCodes.Status500InternalServerError, "an unexpected error occurred");
        return true;
    }
}
